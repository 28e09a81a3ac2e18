"""Rendering pipeline, one pure stage each:

MapData -> selection (select.py) -> styling (theme.py) -> DOT (dot.py) -> output (run.py),
driven by the export options (options.py) and wired in pipeline.py; deck.py strings several
views into slides.
"""

import hashlib
from dataclasses import dataclass

from argmap.mapdata import MapData
from argmap.render.dot import DEFAULT_LAYOUT, Layout, printed, to_dot
from argmap.render.legibility import Printed
from argmap.render.options import FITS, ExportOptions
from argmap.render.pipeline import check_size, choose, evaluation_marks, layout_for, view_dot
from argmap.render.run import FORMATS, MEDIA_TYPES, OUTPUT_STAGE, Deadline, dot_version, run_dot
from argmap.render.select import View
from argmap.render.slides import DECK_STAGE, DECKS, deck_plan, draw_deck
from argmap.render.theme import LIGHT, Theme

__all__ = ["DEFAULT_LAYOUT", "FORMATS", "MEDIA_TYPES", "Drawing", "ExportOptions", "Layout",
           "draw", "drawing", "export", "render", "to_dot"]


def render(data: MapData, fmt: str, *, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT,
           timeout: float = 30.0, dpi: int | None = None) -> bytes:
    return run_dot(to_dot(data, theme, layout), fmt, timeout=timeout, dpi=dpi)


@dataclass(frozen=True)
class Drawing:
    """Exactly what `dot` is asked to draw: the DOT source (one per slide for a deck), the
    output format and its options. Its key is made of nothing else, and of the `dot` version
    and the output stage's code, so two requests share a file only when it would be the same
    file, and any change that changes the drawing changes the key."""

    sources: tuple[str, ...]
    fmt: str
    dpi: int | None = None
    page: tuple[float, float] | None = None
    printed: Printed | None = None  # with a page: the text sizes the slide must keep legible
    titles: tuple[tuple[str, str], ...] = ()  # a deck: each page's title and "3 / 17"
    theme: str = "light"  # a deck: its slides' background and title colours
    notes: tuple[str, ...] = ()  # a deck: each page's speaker notes (PowerPoint)

    def key(self) -> tuple:
        digest = hashlib.sha256("\x1e".join((
            *self.sources, "\x1d", *(f"{t}\x1f{n}" for t, n in self.titles), "\x1d",
            self.theme, *self.notes)).encode()).hexdigest()
        return (dot_version(), OUTPUT_STAGE, DECK_STAGE, self.fmt, self.dpi, self.page,
                self.printed, digest)


def drawing(data: MapData, options: ExportOptions, fmt: str, *,
            node_limit: int | None = None, link_prefix: str | None = None,
            base: dict | None = None, withdrawn: tuple[str, ...] = (),
            reading: str = "plain", marks=None, view: View | None = None,
            stub_prefix: str | None = None) -> Drawing:
    """The DOT of the map as the options describe it (no `dot` run yet). With the evaluation
    option, `marks` (from an evaluation the caller made already) or else `base` (rating
    scores) and `withdrawn` (a what-if) give the labels. A `view` (the page's, chosen by
    select.unfold) replaces the options' selection; its stubs link to `stub_prefix` + key."""
    if not options.evaluation:
        marks = ((), ())
    elif marks is None:
        marks = evaluation_marks(data, base, withdrawn, reading)
    if fmt in DECKS:
        return Drawing(**deck_plan(data, options, fmt, node_limit=node_limit, marks=marks))
    if view is None:
        view = choose(data, options, node_limit)
    else:
        check_size(view, node_limit)
    page = FITS[options.fit]
    return Drawing((view_dot(view, options, link_prefix, marks=marks,
                             stub_prefix=stub_prefix),), fmt,
                   dpi=options.png_dpi if fmt == "png" else None, page=page,
                   printed=printed(layout_for(options)) if page else None)


def draw(plan: Drawing, *, timeout: float = 30.0) -> bytes:
    """Run `dot` for the plan; `timeout` bounds all its runs together (a deck's slides too)."""
    deadline = Deadline(timeout)
    if plan.fmt in DECKS:
        return draw_deck(plan, deadline)
    return run_dot(plan.sources[0], plan.fmt, timeout=deadline, dpi=plan.dpi, page=plan.page,
                   printed=plan.printed)


def export(data: MapData, options: ExportOptions, fmt: str, *, timeout: float = 30.0,
           **chosen) -> bytes:
    """One file of the map as the options describe it; `deck` is a PDF of slides, `pptx`
    the same slides for PowerPoint."""
    return draw(drawing(data, options, fmt, **chosen), timeout=timeout)
