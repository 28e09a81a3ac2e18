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
from argmap.mapdata import MapData, keep_only, walk_starts


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

    def roots(self, data: MapData) -> list[str]:
        """Where a walk down the map starts: the nodes nothing else argues from, then one
        node of each cycle that no such walk reaches (as the outline lists them)."""
        has_parent = {k for kids in self.below.values() for k in kids}
        starts = walk_starts(data, has_parent)
        seen: set[str] = set()
        self.reach_all(starts, seen)
        for node in data.nodes:
            if node.key not in seen:
                starts.append(node.key)
                self.reach_all([node.key], seen)
        return starts

    def reach_all(self, starts: list[str], seen: set[str]) -> None:
        """Add to `seen` everything below `starts` that is not in it yet."""
        seen.update(starts)
        queue = deque(starts)
        while queue:
            for other in self.below.get(queue.popleft(), ()):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)

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


def unfold(data: MapData, *, focus: str | None = None, levels: int | None = None,
           expand: tuple[str, ...] = (), collapse: tuple[str, ...] = ()) -> View:
    """The view a page shows: from its roots (the focus, or the map's roots) down `levels`
    levels (all of them with None), opening the `expand`ed nodes below that and closing the
    `collapse`d ones; each closed node with arguments not drawn elsewhere gets a "+N" stub.

    Breadth first over the map's links, so O(nodes + relations) plus the stubs' counts.
    """
    known = data.nodes_by_key
    for key in ((focus,) if focus else ()) + tuple(expand) + tuple(collapse):
        if key not in known:
            raise InvalidInput(f"no node {key!r} in this map", field="focus"
                               if key == focus else "collapse")
    graph = Graph(data)
    opened, closed_keys = set(expand), set(collapse)
    starts = [focus] if focus else graph.roots(data)
    level = dict.fromkeys(starts, 0)
    queue, closed = deque(starts), []
    while queue:
        key = queue.popleft()
        kids = graph.below.get(key, ())
        if not kids:
            continue
        if key in closed_keys or (levels is not None and level[key] >= levels
                                  and key not in opened):
            closed.append(key)
            continue
        for kid in kids:
            if kid not in level:
                level[kid] = level[key] + 1
                queue.append(kid)
    shown = set(level)
    stubs = []
    for key in closed:
        hidden = graph.reach(key, len(known), graph.below) - shown
        if hidden:
            stubs.append((key, f"+{len(hidden)} hidden"))
    return View(data=keep_only(data, shown), stubs=tuple(stubs), focus=focus,
                total=len(known))


def path_to(data: MapData, key: str, *, focus: str | None = None) -> tuple[str, ...]:
    """The nodes above `key` on a shortest way down to it from the roots (or the focus):
    what must be open for `key` to be drawn. Empty when `key` is a root (or the focus)."""
    graph = Graph(data)
    starts = [focus] if focus else graph.roots(data)
    parent: dict[str, str | None] = dict.fromkeys(starts)
    queue = deque(starts)
    while queue and key not in parent:
        here = queue.popleft()
        for kid in graph.below.get(here, ()):
            if kid not in parent:
                parent[kid] = here
                queue.append(kid)
    if key not in parent:  # below no root (a cycle), or outside the focus
        return ()
    path, step = [], parent[key]
    while step is not None:
        path.append(step)
        step = parent[step]
    return tuple(reversed(path))
