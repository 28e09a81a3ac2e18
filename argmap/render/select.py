"""Selection stage: which part of a map to draw (a pure function of MapData and the options).

- focus: a node and what argues about it down to `depth` relations (its subtree), or every
  node within `depth` relations in either direction (its neighbourhood);
- hide: leave out whole kinds of node (never the focused node);
- collapse: replace what argues about a node with one "+N hidden" box.

An undercut counts as arguing about the premises of the step it attacks.
"""

from collections import defaultdict, deque
from dataclasses import dataclass

from argmap.errors import InvalidInput
from argmap.mapdata import MapData, keep_only


@dataclass(frozen=True)
class View:
    data: MapData  # only the nodes and relations to draw
    stubs: tuple[tuple[str, str], ...] = ()  # (node key, text): a box under it, "+3 hidden"
    focus: str | None = None
    total: int = 0  # nodes in the whole map


class Graph:
    """The map's links as adjacency lists, built once: O(nodes + relations)."""

    def __init__(self, data: MapData):
        self.below: dict[str, list[str]] = defaultdict(list)  # node -> what argues about it
        self.around: dict[str, set[str]] = defaultdict(set)  # undirected neighbours
        steps = data.steps_by_ref
        for rel in data.relations:
            if rel.is_undercut:
                step = steps[rel.target]
                ends = (*step.premises, step.target)
                for premise in step.premises:
                    self.below[premise].extend(rel.premises)
            else:
                ends = (rel.target,)
                self.below[rel.target].extend(rel.premises)
            for source in rel.premises:
                for end in ends:
                    self.around[source].add(end)
                    self.around[end].add(source)
            for premise in rel.premises:  # co-premises are each other's neighbours
                self.around[premise].update(p for p in rel.premises if p != premise)

    def reach(self, start: str, depth: int, links: dict) -> set[str]:
        seen, queue = {start}, deque([(start, 0)])
        while queue:
            key, level = queue.popleft()
            if level == depth:
                continue
            for other in links.get(key, ()):
                if other not in seen:
                    seen.add(other)
                    queue.append((other, level + 1))
        return seen


def select(data: MapData, *, focus: str | None = None, depth: int = 2,
           around: str = "subtree", hide: tuple[str, ...] = (),
           collapse: tuple[str, ...] = ()) -> View:
    known = data.nodes_by_key
    for key in ((focus,) if focus else ()) + tuple(collapse):
        if key not in known:
            raise InvalidInput(f"no node {key!r} in this map", field="focus"
                               if key == focus else "collapse")
    graph = Graph(data)
    keys = set(known)
    if focus:
        links = graph.below if around == "subtree" else graph.around
        keys = graph.reach(focus, depth, links)
    keys = {k for k in keys if known[k].kind not in hide or k == focus}
    stubs = []
    for key in collapse:
        if key not in keys:
            continue
        hidden = (graph.reach(key, len(known), graph.below) & keys) - {key, focus}
        keys -= hidden
        if hidden:
            stubs.append((key, f"+{len(hidden)} hidden"))
    return View(data=keep_only(data, keys), stubs=tuple(stubs), focus=focus,
                total=len(known))
