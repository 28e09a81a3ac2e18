"""The outline view: a map as an indented tree (a pure function of MapData).

A map is a graph, not a tree. Each node is listed in full the first time it appears; later
appearances (cross-links) are short references to it, which also keeps cycles finite.
Undercuts are listed under the reason whose inference they attack.
"""

from collections import defaultdict
from dataclasses import dataclass

from argmap.mapdata import MapData, NodeData, walk_starts

KIND_ORDER = {"thesis": 0, "claim": 1, "evidence": 2, "rebuttal": 3}


MAX_INDENT = 30  # deeper rows are listed at this indent, with their level written out


@dataclass(frozen=True)
class OutlineRow:
    """One line of the outline, in reading order; `depth` says how far it is indented."""

    node: NodeData
    relation: str | None  # how it relates to the row it is listed under
    parent: NodeData | None
    level: int  # 0 for a root
    repeat: bool = False  # listed in full elsewhere
    together: tuple[NodeData, ...] = ()  # its co-premises, when the step is linked

    @property
    def depth(self) -> int:
        return min(self.level, MAX_INDENT)


def build_outline(data: MapData) -> tuple[OutlineRow, ...]:
    """The rows of the outline in reading order (depth first). Built with a stack, not by
    recursion: an imported chain can be thousands of steps deep."""
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
    rows: list[OutlineRow] = []

    def walk(key: str) -> None:
        stack: list[tuple[str, str | None, str | None, int]] = [(key, None, None, 0)]
        while stack:
            key, relation, parent, level = stack.pop()
            repeat = key in seen
            seen.add(key)
            rows.append(OutlineRow(by_key[key], relation, by_key.get(parent) if parent else None,
                                   level, repeat, together.get((key, parent), ())
                                   if parent else ()))
            # The undercuts belong to this very inference, so they are listed even on a repeat.
            children = [(u, "undercut") for u in undercutters[f"{key} -> {parent}"]
                        ] if relation == "support" else []
            if not repeat:
                children += [(source, kind) for kind, source in sorted(
                    below[key], key=lambda ks: (KIND_ORDER[by_key[ks[1]].kind], order[ks[1]]))]
            stack.extend((child, kind, key, level + 1) for child, kind in reversed(children))

    for root in sorted(walk_starts(data, has_parent),
                       key=lambda k: (KIND_ORDER[by_key[k].kind], order[k])):
        walk(root)
    # Nodes only reachable through a cycle have no root; list them at the top level too.
    for node in data.nodes:
        if node.key not in seen:
            walk(node.key)
    return tuple(rows)
