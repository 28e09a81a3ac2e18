"""Rendering pipeline, one pure stage each:

MapData -> selection (select.py) -> styling (theme.py) -> DOT (dot.py) -> output (run.py),
driven by the export options (options.py) and wired in pipeline.py; deck.py strings several
views into slides.
"""

from argmap.mapdata import MapData
from argmap.render.deck import render_deck
from argmap.render.dot import DEFAULT_LAYOUT, Layout, to_dot
from argmap.render.options import FITS, ExportOptions
from argmap.render.pipeline import choose, evaluation_marks, view_dot
from argmap.render.run import FORMATS, MEDIA_TYPES, run_dot
from argmap.render.theme import LIGHT, Theme

__all__ = ["DEFAULT_LAYOUT", "FORMATS", "MEDIA_TYPES", "ExportOptions", "Layout", "export",
           "render", "to_dot"]


def render(data: MapData, fmt: str, *, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT,
           timeout: float = 30.0, dpi: int | None = None) -> bytes:
    return run_dot(to_dot(data, theme, layout), fmt, timeout=timeout, dpi=dpi)


def export(data: MapData, options: ExportOptions, fmt: str, *, timeout: float = 30.0,
           node_limit: int | None = None, link_prefix: str | None = None,
           base: dict | None = None, withdrawn: tuple[str, ...] = (),
           reading: str = "plain") -> bytes:
    """One file of the map as the options describe it; `deck` is a PDF of slides. With the
    evaluation option, `base` (rating scores) and `withdrawn` (a what-if) feed it."""
    if fmt == "deck":
        return render_deck(data, options, timeout=timeout, node_limit=node_limit)
    view = choose(data, options, node_limit)
    marks = (evaluation_marks(data, base, withdrawn, reading) if options.evaluation
             else ((), ()))
    dpi = options.png_dpi if fmt == "png" else None
    return run_dot(view_dot(view, options, link_prefix, marks=marks), fmt, timeout=timeout,
                   dpi=dpi, page=FITS[options.fit])
