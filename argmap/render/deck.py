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
                # A linked step is drawn whole: its co-premises come along, as stubs too.
                partners = [p for p in self.linked.get((child, root), ()) if p in waiting]
                waiting = [k for k in waiting if k not in partners]
                unit = {child, *partners}
                stubs = [(k, len(self.subtree(tree, k)) - 1) for k in (child, *partners)]
                stubs = [stub for stub in stubs if stub[1]]
                if not self._try_all(slide, unit, stubs):
                    slide.keys |= unit  # even alone it is too big: drawn as it is
                    slide.units.append(unit)
                    slide.stubs.extend(stubs)
                moved.extend(k for k, _count in stubs)
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
        return self._try_all(slide, unit, [stub] if stub else [])

    def _try_all(self, slide: Slide, unit: set[str], stubs: list[tuple[str, int]]) -> bool:
        trial = Slide(slide.overview, slide.title, slide.roots, slide.keys | unit,
                      [*slide.units, unit], [*slide.stubs, *stubs])
        if not self.fits(trial):
            return False
        slide.keys, slide.units, slide.stubs = trial.keys, trial.units, trial.stubs
        return True

    def _balance(self, slides: list[Slide]) -> None:
        """A slide with fewer than three nodes takes a reason from the slide before it (its
        last) or after it (its first) when that still fits, instead of standing nearly
        empty."""
        for before, last in zip(slides, slides[1:], strict=False):
            if len(last.keys) < 3 and len(before.units) >= 2:
                self._move(before, last, before.units[-1], first=True)
            elif len(before.keys) < 3 and len(last.units) >= 2:
                self._move(last, before, last.units[0], first=False)

    def _move(self, giver: Slide, taker: Slide, unit: set[str], *, first: bool) -> None:
        """Move `unit` when that still fits and leaves the giver three nodes or more."""
        if len(giver.keys - unit) < 3:
            return
        stubs = [s for s in giver.stubs if s[0] in unit]
        units = [unit, *taker.units] if first else [*taker.units, unit]
        trial = Slide(taker.overview, taker.title, taker.roots, taker.keys | unit, units,
                      stubs + taker.stubs)
        if self.fits(trial):
            giver.keys -= unit
            giver.units.remove(unit)
            giver.stubs = [s for s in giver.stubs if s[0] not in unit]
            taker.keys, taker.units, taker.stubs = trial.keys, trial.units, trial.stubs

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

    def rest(self, shown: set[str]) -> list[Slide]:
        """What no thesis's slides reach: conclusions drawn from a thesis, and positions the
        source only reports or answers from elsewhere. Each starts from a node that argues
        about nothing left; a node already shown comes again as a leaf, so that a position
        keeps its answer beside it."""
        left = [n.key for n in self.data.nodes if n.key not in shown]
        argues = {k for kids in self.below.values() for k in kids}
        tree: dict[str, list[str]] = {}
        roots = []
        for key in [k for k in left if k not in argues] + [k for k in left if k in argues]:
            if key in tree:
                continue
            roots.append(key)
            tree[key], todo = [], [key]
            while todo:
                at = todo.pop(0)
                for child in dict.fromkeys(self.below.get(at, ())):
                    if child not in tree:
                        tree[at].append(child)
                        tree[child] = []
                        if child not in shown and child not in self.theses:
                            todo.append(child)
        # Bigger pieces first, so that the small ones fill the slides up (first fit
        # decreasing) and none is left nearly empty.
        roots.sort(key=lambda r: -len(self.subtree(tree, r)))
        slides = self.pack(roots, tree, shared=[])
        for taker in [s for s in slides if len(s.keys) < 3]:
            for giver in slides:
                if giver is not taker and len(taker.keys) < 3:
                    self._lend(giver, taker)
        return slides

    def _lend(self, giver: Slide, taker: Slide) -> None:
        """Move one of a shared slide's subtrees to a nearly empty one, if it fits there
        and the giver keeps three nodes."""
        for root, unit in zip(list(giver.roots), list(giver.units), strict=True):
            if len(giver.roots) < 2 or len(giver.keys - unit) < 3:
                continue
            names = [title_of(self.data.nodes_by_key[r]) for r in (*taker.roots, root)]
            trial = Slide(False, " \u00b7 ".join(names), [*taker.roots, root],
                          taker.keys | unit, [*taker.units, unit])
            if self.fits(trial):
                taker.title, taker.roots, taker.keys = trial.title, trial.roots, trial.keys
                taker.units = trial.units
                giver.roots.remove(root)
                giver.units.remove(unit)
                giver.keys -= unit
                giver.title = " \u00b7 ".join(title_of(self.data.nodes_by_key[r])
                                               for r in giver.roots)
                return

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

    def fits(slide: Slide, across: bool = False) -> bool:
        stubs = tuple((k, f"+{n} more: slide 99") for k, n in slide.stubs)
        layout = layouts[not slide.overview]
        plan = planned(keep_only(data, slide.keys), theme,
                       replace(layout, rankdir="LR") if across else layout, stubs=stubs)[1]
        return plan.width <= space[0] and plan.height <= space[1]

    def layout_of(slide: Slide) -> Layout:
        """The slide's layout, premises left of their conclusion when a piece too big for
        the slide (a long linked step) fits that way only."""
        layout = layouts[not slide.overview]
        if not fits(slide) and fits(slide, across=True):
            return replace(layout, rankdir="LR")
        return layout

    planner = _Planner(data, fits)
    slides = planner.overview() + planner.claims()
    slides += planner.rest(set().union(*(s.keys for s in slides)))
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
            pages.append(DeckPage(slide.title, number, view, layout_of(slide),
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
