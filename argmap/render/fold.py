"""Folding: a wide tree stacked into rows, so that a drawing takes the shape of its frame.

`dot` puts all the children of a node side by side, so a thesis with nine reasons is nine
boxes wide, whatever the page. Here each node's children are packed into rows no wider than
a bound, and a child in a later row gets a longer edge (`minlen`), so that `dot` draws its
whole subtree below the rows before it. The bound is chosen by estimating the drawing's size
for a range of bounds and keeping the one whose shape is nearest the frame's.

Sizes are estimates in inches, from the labels' characters (render/measure.py); they only
need to rank the candidates, since `dot` still does the real layout.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Edge = tuple[str, str]  # (tail, head): a premise and what it argues about
FOLD_FROM = (0, 1, 2)  # the depths from which rows may wrap, tried in turn
MIN_ROW = 2  # children a row holds before it may wrap: no towers of one child per row
CHANNEL = 2.0  # a passing edge's width, in node separations
TOLERANCE = 0.15  # shapes within this of each other (in log aspect) count as equally good


@dataclass(frozen=True)
class Fold:
    minlen: dict[int, int]  # edge index -> minimum rank distance (only those above 1)
    children: dict[str, list[str]]  # the spanning tree: each vertex's children, in order
    blocks: frozenset[str]  # vertices whose subtrees are kept together (as dot clusters)
    ties: tuple[tuple[str, str, int], ...]  # (child, the child above it, rank distance)
    width: float  # the estimated size of the drawing, in inches
    height: float


@dataclass(frozen=True)
class _Shape:
    width: float
    height: float
    ranks: int


class _Tree:
    """A spanning tree of the drawing: each vertex hangs below the head of its first edge
    (in the order drawn) that does not close a cycle."""

    def __init__(self, vertices: Sequence[str], edges: Sequence[Edge],
                 tops: frozenset[str] = frozenset()):
        self.parent: dict[str, tuple[str, int]] = {}
        self.children: dict[str, list[tuple[str, int]]] = {v: [] for v in vertices}
        for index, (tail, head) in enumerate(edges):
            if tail in tops or tail in self.parent or tail == head or self._above(tail, head):
                continue
            self.parent[tail] = (head, index)
            self.children[head].append((tail, index))
        self.roots = [v for v in vertices if v not in self.parent]

    def _above(self, vertex: str, start: str) -> bool:
        """Whether walking up from `start` reaches `vertex` (so `vertex` can't hang there)."""
        seen = start
        while seen in self.parent:
            seen = self.parent[seen][0]
            if seen == vertex:
                return True
        return False

    def depths(self) -> dict[str, int]:
        found = {}
        for vertex in reversed(self.post_order()):  # parents before children
            found[vertex] = found[self.parent[vertex][0]] + 1 if vertex in self.parent else 0
        return found

    def post_order(self) -> list[str]:
        order, todo = [], list(self.roots)
        while todo:
            vertex = todo.pop()
            order.append(vertex)
            todo.extend(child for child, _ in self.children[vertex])
        return order[::-1]


def fold(boxes: Mapping[str, tuple[float, float]], edges: Sequence[Edge], *,
         aspect: float | None, nodesep: float, ranksep: float,
         frame: tuple[float, float] = (0.0, 0.0), across: bool = False,
         tops: frozenset[str] = frozenset()) -> Fold:
    """The longer edges that bring the drawing nearest `aspect` (width / height).

    `boxes` are the vertices' sizes in the order drawn, `frame` what the drawing carries
    besides its tree (the legend, say) and `across` says the ranks run left to right.
    `tops` (the theses) head the tree even where a conclusion drawn from them rests on them.
    """
    sizes = {v: (h, w) if across else (w, h) for v, (w, h) in boxes.items()}
    tree = _Tree(list(sizes), edges, tops)
    alone = set(sizes) - {v for edge in edges for v in edge}
    answered = {head for tail, head in edges if not tree.children[head]} - set(tops)
    order = tree.post_order()
    target = aspect if aspect is None or not across else 1 / aspect

    def shaped(bound: float, start: int) -> tuple[dict[int, int], float, float, list]:
        shapes: dict[str, _Shape] = {}
        minlen: dict[int, int] = {}
        ties: list[tuple[str, str, int]] = []
        for vertex in order:
            shapes[vertex] = _stack(sizes[vertex], tree.children[vertex], shapes,
                                    minlen, ties,
                                    bound=bound if depth[vertex] >= start else math.inf,
                                    nodesep=nodesep, ranksep=ranksep)
        # A node with no relation at all (a position the source only reports) waits in a
        # row below the drawing rather than widening its top row; one that only something
        # else argues about (a position the source answers) is drawn above its answer.
        main = [r for r in tree.roots if r not in alone and r not in answered] or list(
            tree.roots)
        spare = [r for r in tree.roots if r in alone and r not in main]
        roots = [shapes[r] for r in main]
        width = sum(s.width for s in roots) + nodesep * max(len(roots) - 1, 0)
        above = [shapes[r] for r in tree.roots if r in answered and r not in main]
        # ...though those answered from the same row still stand side by side there.
        width = max(width, sum(s.width for s in above) + nodesep * max(len(above) - 1, 0))
        height = max((s.height for s in roots), default=0.0)
        if spare:
            # Under the first root (dot keeps a tie's ends close: left, not off to the
            # right), as far down as the deepest root reaches.
            ties.extend((r, main[0], max(shapes[m].ranks for m in main)) for r in spare)
            row = [shapes[r] for r in spare]
            # dot starts the row about under the first root's middle, not at its left edge
            width = max(width, sum(s.width for s in row) + nodesep * (len(row) - 1)
                        + shapes[main[0]].width / 2)
            height += ranksep + max(s.height for s in row)
        return minlen, max(width, frame[0]), height + frame[1], ties

    depth = tree.depths()
    widest = shaped(math.inf, 0)
    best = widest
    if target is not None and widest[1] > 0 and widest[2] > 0:
        narrowest = min((w for w, _ in sizes.values()), default=1.0)
        bounds = [narrowest * (widest[1] / narrowest) ** (i / 24) for i in range(25)]
        # Fold the deepest levels that get the shape near enough: the thesis keeps its
        # reasons in one row when folding what lies below them suffices.
        found = [(shaped(bound, start), start) for start in FOLD_FROM for bound in bounds]
        best = min(found, key=lambda item: (
            round(abs(math.log(item[0][1] / item[0][2] / target)) / TOLERANCE), -item[1],
            item[0][1] * item[0][2]))[0]
    minlen, width, height, ties = best
    folded = {edges[index][1] for index in minlen}
    blocks = frozenset(child for vertex in folded for child, _ in tree.children[vertex])
    return Fold(minlen, {v: [c for c, _ in kids] for v, kids in tree.children.items()},
                blocks, tuple(ties), *((height, width) if across else (width, height)))


def _stack(size: tuple[float, float], children: list[tuple[str, int]],
           shapes: dict[str, _Shape], minlen: dict[int, int], ties: list, *, bound: float,
           nodesep: float, ranksep: float) -> _Shape:
    """The vertex's subtree with its children packed into rows no wider than `bound`."""
    # Shallow subtrees first: a later row's edges then pass only short subtrees, and an
    # objection with nothing below it stays right under what it attacks.
    ordered = sorted(children, key=lambda c: shapes[c[0]].ranks)
    rows = _balanced(ordered, _row_count(ordered, shapes, bound, nodesep))
    width, height, ranks = size[0], size[1], 1
    below = len(children)
    for above, row in zip([[], *rows], rows, strict=False):
        # Each child hangs under the one above it in the previous row: a grid, not a
        # staircase (the tie pulls it there; its own edge is left slack).
        ties.extend((child, over, max(shapes[c].ranks for c, _ in above))
                    for (child, _), (over, _) in zip(row, above, strict=False))
        row_shapes = [shapes[child] for child, _ in row]
        if ranks > 1:
            for _, index in row:
                minlen[index] = ranks
        below -= len(row)
        # The edges of the rows below pass this row: each takes a channel beside it.
        width = max(width, sum(s.width for s in row_shapes) + nodesep * (len(row) - 1)
                    + CHANNEL * nodesep * below)
        height += ranksep + max(s.height for s in row_shapes)
        ranks += max(s.ranks for s in row_shapes)
    return _Shape(width, height, ranks)


def _row_count(children: list[tuple[str, int]], shapes: dict[str, _Shape], bound: float,
               nodesep: float) -> int:
    """How many rows the children take when each is filled up to `bound` (and holds at
    least MIN_ROW children before it wraps)."""
    rows, count, width = 0, 0, 0.0
    for child, _ in children:
        child_width = shapes[child].width
        # A row takes MIN_ROW children before it wraps, unless a deep subtree would join a
        # row already half full: two wide subtrees side by side make a drawing too wide.
        crowded = count < MIN_ROW and (shapes[child].ranks == 1 or width < bound / 2)
        if rows and (width + nodesep + child_width <= bound or crowded):
            count, width = count + 1, width + nodesep + child_width
        else:
            rows, count, width = rows + 1, 1, child_width
    return rows


def _balanced(children: list[tuple[str, int]], rows: int) -> list[list[tuple[str, int]]]:
    """The children in `rows` rows of nearly equal length (7 in two rows: 4 and 3)."""
    if rows <= 1:
        return [children] if children else []
    size, extra = divmod(len(children), rows)
    found, start = [], 0
    for row in range(rows):
        end = start + size + (1 if row < extra else 0)
        found.append(children[start:end])
        start = end
    return found
