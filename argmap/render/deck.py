"""A slide deck that a room can read: every slide meets the legibility rule (legibility.py).

The first slides are the overview: each thesis and the claims that directly support or
attack it, each with a box saying how much lies below and on which slide. Then each claim's
subtree, on as many slides as it needs: a slide takes whole subtrees while they fit, a
subtree too big for what is left gets its own slides (its slide shows it with "+N more:
slide K"), and children that don't fit continue on a "(continued)" slide. Claims whose whole
subtree is small share a slide. Whether something fits is estimated from the labels (the
fold's estimate), with a margin, before any `dot` run.

With `reveal`, each slide is repeated step by step, each step adding the next reason or
objection; the steps are one layout with the later parts invisible, so nothing moves.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from argmap.mapdata import MapData, keep_only
from argmap.render.dot import Layout, planned, printed, title_of
from argmap.render.labels import escape, wrap
from argmap.render.measure import POINT
from argmap.render.run import PAGE_MARGIN
from argmap.render.select import Graph, View
from argmap.render.theme import Theme

BAND = 0.9  # inches at the top of a slide for its title
SAFETY = 1.08  # a slide is filled to the legible scale times this: estimates err
SLIDE_WRAP = 28  # characters per label line on a slide


@dataclass
class Slide:
    overview: bool
    title: str
    roots: list[str]
    keys: set[str]
    units: list[set[str]] = field(default_factory=list)  # what each build-up step adds
    stubs: list[tuple[str, int]] = field(default_factory=list)  # (key, nodes elsewhere)


@dataclass(frozen=True)
class DeckPage:
    """One page of the deck as drawn: its title, its view and what it hides (a step)."""

    title: str
    number: int
    view: View
    layout: Layout
    roots: tuple[str, ...]
    hidden: frozenset[str] = frozenset()


def direct_claims(data: MapData) -> list[str]:
    """Nodes that directly support or attack a thesis, in map order."""
    theses = {n.key for n in data.nodes if n.kind == "thesis"}
    direct = {p for r in data.relations if not r.is_undercut and r.target in theses
              for p in r.premises}
    return [n.key for n in data.nodes if n.key in direct and n.key not in theses]


class _Planner:
    def __init__(self, data: MapData, fits: Callable[[Slide], bool]):
        self.data, self.fits = data, fits
        self.below = Graph(data).below
        self.theses = [n.key for n in data.nodes if n.kind == "thesis"]
        self.shared: list[Slide] = []  # the claims' slides that small subtrees share
        self.trees: dict[str, dict[str, list[str]]] = {}  # each claim's, made once
        # (premise, target) -> its co-premises: a linked step stays on one slide
        self.linked = {(p, r.target): [q for q in r.premises if q != p]
                       for r in data.relations if r.is_linked for p in r.premises}

    def tree(self, root: str) -> dict[str, list[str]]:
        """What argues about `root`, as a tree: each node once, below where it is first met."""
        if root in self.trees:
            return self.trees[root]
        children: dict[str, list[str]] = self.trees.setdefault(root, {})
        seen, todo = {root, *self.theses}, [root]
        while todo:
            key = todo.pop(0)
            children[key] = []
            for child in dict.fromkeys(self.below.get(key, ())):
                if child not in seen:
                    seen.add(child)
                    children[key].append(child)
                    todo.append(child)
        return children

    @staticmethod
    def subtree(tree: dict[str, list[str]], key: str) -> set[str]:
        found, todo = set(), [key]
        while todo:
            found.add(todo[-1])
            todo.extend(tree.get(todo.pop(), ()))
        return found

    def split(self, root: str, tree: dict[str, list[str]], title: str,
              elsewhere: dict[str, int] | None = None) -> list[Slide]:
        """The slides of `root`'s subtree: itself with what fits, then what continues, then
        the subtrees too big to share a slide. `elsewhere` counts what lies under a child
        but is drawn on other slides (the overview's claims)."""
        slides: list[Slide] = []
        moved: list[str] = []
        waiting = list(tree.get(root, ()))
        overview = elsewhere is not None
        while waiting or not slides:
            slide = Slide(overview, title if not slides else f"{title} (continued)", [root],
                          {root})
            waiting = self._fill(slide, root, tree, waiting, elsewhere)
            if not slide.units:  # nothing fits whole: the first gets slides of its own
                child = waiting.pop(0)
                whole = self.subtree(tree, child)
                stub = (child, len(whole) - 1)
                if len(whole) == 1 or not self._try(slide, {child}, stub):
                    slide.keys.add(child)  # even alone it is too big: drawn as it is
                    slide.units.append({child})
                    if len(whole) > 1:
                        slide.stubs.append(stub)
                if len(whole) > 1:
                    moved.append(child)
            # Room left: more children, each with "+N more" for what continues elsewhere.
            waiting = self._fill(slide, root, tree, waiting, elsewhere, moved)
            if waiting:
                rest = set().union(*(self.subtree(tree, c) for c in waiting))
                slide.stubs.append((root, len(rest)))
            slides.append(slide)
        self._balance(slides)
        slides.extend(self.pack(moved, tree))
        return slides

    def _fill(self, slide: Slide, root: str, tree: dict[str, list[str]],
              waiting: list[str], elsewhere: dict[str, int] | None,
              moved: list[str] | None = None) -> list[str]:
        """Add the waiting children whose whole subtrees fit (first fit: a smaller later
        one may still fit), and with `moved`, those that fit alone, their subtrees going
        to slides of their own; what is left waits for the next slide."""
        for child in list(waiting):
            if child not in waiting:
                continue  # placed with a co-premise
            partners = [p for p in self.linked.get((child, root), ()) if p in waiting]
            whole = set().union(*(self.subtree(tree, k) for k in [child, *partners]))
            hidden = (elsewhere or {}).get(child, 0)
            if self._try(slide, whole, (child, hidden) if hidden else None):
                waiting = [k for k in waiting if k != child and k not in partners]
            elif (moved is not None and not partners and len(whole) > 1
                  and self._try(slide, {child}, (child, len(whole) - 1))):
                moved.append(child)
                waiting.remove(child)
        return waiting

    def _try(self, slide: Slide, unit: set[str], stub: tuple[str, int] | None = None) -> bool:
        trial = Slide(slide.overview, slide.title, slide.roots, slide.keys | unit,
                      [*slide.units, unit], [*slide.stubs, *([stub] if stub else [])])
        if not self.fits(trial):
            return False
        slide.keys, slide.units, slide.stubs = trial.keys, trial.units, trial.stubs
        return True

    def _balance(self, slides: list[Slide]) -> None:
        """A slide with fewer than three nodes takes the previous slide's last reason when
        that still fits, instead of standing nearly empty."""
        for before, last in zip(slides, slides[1:], strict=False):
            if len(last.keys) >= 3 or len(before.units) < 2:
                continue
            unit = before.units[-1]
            trial = Slide(last.overview, last.title, last.roots, last.keys | unit,
                          [unit, *last.units], [s for s in before.stubs if s[0] in unit]
                          + last.stubs)
            if self.fits(trial):
                before.keys -= unit
                before.units.pop()
                before.stubs = [s for s in before.stubs if s[0] not in unit]
                last.keys, last.units, last.stubs = trial.keys, trial.units, trial.stubs

    def overview(self) -> list[Slide]:
        slides = []
        for thesis in self.theses:
            claims = [c for c in direct_claims(self.data)
                      if thesis in {r.target for r in self.data.relations
                                    if c in r.premises}]
            tree = {thesis: claims, **{c: [] for c in claims}}
            below = {c: len(self.subtree(self.tree(c), c)) - 1 for c in claims}
            slides.extend(self.split(thesis, tree, f"{self.data.title}: overview", below))
        return slides

    def claims(self) -> list[Slide]:
        slides: list[Slide] = []
        for claim in direct_claims(self.data):
            slides.extend(self.pack([claim], self.tree(claim), shared=self.shared))
        return slides

    def pack(self, roots: list[str], tree: dict[str, list[str]],
             shared: list[Slide] | None = None) -> list[Slide]:
        """The slides of each root's subtree; subtrees small enough to fit whole share
        slides (first fit, in order), the others are split over slides of their own."""
        slides: list[Slide] = []
        shared = [] if shared is None else shared
        for root in roots:
            whole = self.subtree(tree, root)
            name = title_of(self.data.nodes_by_key[root])
            alone = Slide(False, name, [root], whole, [whole])
            if not self.fits(alone):
                slides.extend(self.split(root, tree, name))
                continue
            for slide in shared:
                trial = Slide(False, f"{slide.title} \u00b7 {name}", [*slide.roots, root],
                              slide.keys | whole, [*slide.units, whole])
                if self.fits(trial):
                    slide.title, slide.roots, slide.keys = trial.title, trial.roots, trial.keys
                    slide.units = trial.units
                    break
            else:
                shared.append(alone)
                slides.append(alone)
        return slides


def plan_deck(data: MapData, *, theme: Theme, layouts: tuple[Layout, Layout],
              page: tuple[float, float], reveal: bool = False) -> list[DeckPage]:
    """The deck's pages: what each one draws, laid out in the area under the title band by
    the overview's layout or the claims' (`layouts`)."""
    space = room(slide_area(page), layouts[1])

    def fits(slide: Slide) -> bool:
        stubs = tuple((k, f"+{n} more: slide 99") for k, n in slide.stubs)
        plan = planned(keep_only(data, slide.keys), theme, layouts[not slide.overview],
                       stubs=stubs)[1]
        return plan.width <= space[0] and plan.height <= space[1]

    planner = _Planner(data, fits)
    slides = planner.overview() + planner.claims()
    pages = []
    for number, slide in enumerate(slides, 1):
        view = View(keep_only(data, slide.keys), _stub_texts(slide, slides, number))
        # A slide shows its root first; a shared slide starts from its first subtree.
        first = 0 if len(slide.roots) == 1 else 1
        steps = (range(first, len(slide.units) + 1) if reveal and len(slide.units) > first
                 else [len(slide.units)])
        shown: list[frozenset[str]] = []
        for step in steps:
            later = frozenset(set().union(*slide.units[step:]) - set(slide.roots[:1 - first]))
            if shown and later == shown[-1]:
                continue  # a step that adds nothing (a slide of its root alone)
            shown.append(later)
            pages.append(DeckPage(slide.title, number, view, layouts[not slide.overview],
                                  tuple(slide.roots), later))
    return pages


def _stub_texts(slide: Slide, slides: list[Slide], number: int) -> tuple[tuple[str, str], ...]:
    """"+N more: slide K", K being the next slide that starts from the stub's node."""
    texts = []
    for key, count in slide.stubs:
        later = next((n for n, s in enumerate(slides[number:], number + 1) if key in s.roots),
                     None)
        texts.append((key, f"+{count} more" + (f": slide {later}" if later else "")))
    return tuple(texts)


def slide_area(page: tuple[float, float]) -> tuple[float, float]:
    """Where a slide's diagram goes: the page under its title band."""
    return page[0], page[1] - BAND


TITLE_PT = 26  # every slide's title, in points
NUMBER_PT = 14


def title_dot(title: str, number: str, *, theme: Theme, width: float) -> str:
    """The title band of a slide, drawn at its natural size (it is never scaled)."""
    # One line, the same size on every slide: a longer title is cut at a word, with "…".
    chars = max(int((width - 0.7) / (TITLE_PT * 0.58 * POINT)), 20)
    lines = wrap(title, chars)
    text = escape(lines[0] + (" \u2026" if len(lines) > 1 else ""))
    return (f'digraph title {{ graph [bgcolor="{theme.background}" margin=0 pad=0]\n'
            f'node [shape=plaintext margin=0 fontname="{theme.font}"]\n'
            f't [label=<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD '
            f'ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{TITLE_PT}" COLOR="{theme.text}">'
            f'<B>{text}</B></FONT><FONT POINT-SIZE="{NUMBER_PT}" COLOR="{theme.muted}">'
            f"   {escape(number)}</FONT></TD></TR></TABLE>>]\n}}\n")


def slide_layout(layout: Layout, labels: str, page: tuple[float, float]) -> Layout:
    """Boxes narrower and closer than on a page: a slide has room for little at 18 pt."""
    area = slide_area(page)
    return replace(layout, labels=labels, wrap=min(layout.wrap, SLIDE_WRAP), size=area,
                   aspect=area[0] / area[1], title=False, nodesep=layout.nodesep * 0.5,
                   ranksep=layout.ranksep * 0.6, legend_width=room(area, layout)[0],
                   stubs_inside=True)


def room(area: tuple[float, float], layout: Layout) -> tuple[float, float]:
    """The natural size (inches, before scaling) that fills `area` at the legible scale."""
    scale = printed(layout).least_scale() * SAFETY
    return (area[0] - 2 * PAGE_MARGIN) / scale, (area[1] - 2 * PAGE_MARGIN) / scale
