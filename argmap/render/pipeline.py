"""The stages wired together for one view: options -> selection -> layout and theme -> DOT."""

from dataclasses import replace

from argmap.errors import TooLarge
from argmap.evaluate import Evaluation, evaluate
from argmap.mapdata import MapData
from argmap.render.dot import DEFAULT_LAYOUT, Layout, to_dot
from argmap.render.options import DIRECTIONS, FITS, ExportOptions
from argmap.render.select import View, select
from argmap.render.theme import THEMES


def layout_for(options: ExportOptions, link_prefix: str | None = None,
               stub_prefix: str | None = None) -> Layout:
    return Layout(stub_prefix=stub_prefix, rankdir=DIRECTIONS[options.direction], wrap=options.wrap,
                  font_size=options.font_size, nodesep=DEFAULT_LAYOUT.nodesep * options.spacing,
                  ranksep=DEFAULT_LAYOUT.ranksep * options.spacing, legend=options.legend,
                  title=options.title, size=FITS[options.fit], link_prefix=link_prefix,
                  labels=options.labels, aspect=aspect_of(options))


SCREEN_ASPECT = 16 / 10  # what a drawing without a page is folded toward: a screen


def aspect_of(options: ExportOptions) -> float:
    page = FITS[options.fit]
    return page[0] / page[1] if page else SCREEN_ASPECT


def choose(data: MapData, options: ExportOptions, node_limit: int | None = None) -> View:
    view = select(data, focus=options.focus, depth=options.depth, around=options.around,
                  hide=options.hide, collapse=options.collapse)
    check_size(view, node_limit)
    return view


def check_size(view: View, node_limit: int | None) -> None:
    if node_limit is not None and len(view.data.nodes) > node_limit:
        raise TooLarge(len(view.data.nodes), node_limit)


def evaluation_marks(data: MapData, base: dict | None, withdrawn: tuple[str, ...],
                     reading: str = "plain"):
    """Labels and strengths of the whole map (what-if applied), for the DOT stage."""
    return marks_of(evaluate(data, base=base, withdrawn=withdrawn, reading=reading))


def marks_of(result: Evaluation):
    """An evaluation as the DOT stage's marks: (node marks, step marks)."""
    marks = [(k, r.label, r.strength) for k, r in result.nodes.items()]
    marks += [(k, "WITHDRAWN", 0.0) for k in result.withdrawn]
    return tuple(marks), tuple(result.inferences.items())


def view_dot(view: View, options: ExportOptions, link_prefix: str | None = None, *,
             marks=((), ()), stub_prefix: str | None = None) -> str:
    layout = replace(layout_for(options, link_prefix, stub_prefix), marks=marks[0],
                     inference_marks=marks[1])
    return to_dot(view.data, THEMES[options.theme], layout, stubs=view.stubs, focus=view.focus)
