"""The outline view: a map as an indented tree (a pure function of MapData).

A map is a graph, not a tree. Each node is listed in full the first time it appears; later
appearances (cross-links) are short references to it, which also keeps cycles finite.
Undercuts are listed under the reason whose inference they attack.
"""

from collections import defaultdict
from dataclasses import dataclass

from argmap.mapdata import MapData, NodeData

KIND_ORDER = {"thesis": 0, "claim": 1, "evidence": 2, "rebuttal": 3}


@dataclass(frozen=True)
class OutlineItem:
    node: NodeData
    relation: str | None  # how it relates to its parent item: support, attack or undercut
    parent: NodeData | None
    children: tuple["OutlineItem", ...] = ()
    repeat: bool = False  # listed in full elsewhere
    together: tuple[NodeData, ...] = ()  # its co-premises, when the step is linked


def build_outline(data: MapData) -> tuple[OutlineItem, ...]:
    by_key = data.nodes_by_key
    order = {n.key: i for i, n in enumerate(data.nodes)}
    below: dict[str, list[tuple[str, str]]] = defaultdict(list)  # target -> [(kind, source)]
    undercutters: dict[str, list[str]] = defaultdict(list)  # (premise, target) -> undercutters
    has_parent = set()
    together: dict[tuple[str, str], tuple[NodeData, ...]] = {}
    steps = data.steps_by_ref
    for rel in data.relations:
        if rel.is_undercut:
            step = steps[rel.target]
            for premise in step.premises:
                undercutters[f"{premise} -> {step.target}"].extend(rel.premises)
        else:
            # Each premise of a linked step is listed under the target ("linked" in the view).
            below[rel.target].extend((rel.kind, p) for p in rel.premises)
            for premise in rel.premises:
                together[(premise, rel.target)] = tuple(
                    by_key[o] for o in rel.premises if o != premise)
        has_parent.update(rel.premises)
    seen: set[str] = set()

    def item(key: str, relation: str | None, parent: str | None) -> OutlineItem:
        node, parent_node = by_key[key], by_key.get(parent) if parent else None
        repeat = key in seen
        seen.add(key)
        linked = together.get((key, parent), ()) if parent else ()
        # The undercuts belong to this very inference, so they are listed even on a repeat.
        children = [item(u, "undercut", key) for u in undercutters[f"{key} -> {parent}"]
                    ] if relation == "support" else []
        if repeat:
            return OutlineItem(node, relation, parent_node, tuple(children), repeat=True,
                               together=linked)
        kids = sorted(below[key], key=lambda ks: (KIND_ORDER[by_key[ks[1]].kind],
                                                  order[ks[1]]))
        children += [item(source, kind, key) for kind, source in kids]
        return OutlineItem(node, relation, parent_node, tuple(children), together=linked)

    roots = sorted((n for n in data.nodes if n.key not in has_parent),
                   key=lambda n: (KIND_ORDER[n.kind], order[n.key]))
    tree = [item(n.key, None, None) for n in roots]
    # Nodes only reachable through a cycle have no root; list them at the top level too.
    tree += [item(n.key, None, None) for n in data.nodes if n.key not in seen]
    return tuple(tree)
