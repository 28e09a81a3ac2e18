"""A slide deck: one PDF whose first page is the overview (the thesis and the claims that
directly support or attack it, each with a "+N hidden" count of what lies below) and then one
page per such claim with its whole subtree. Every page is fitted to 16:9.
"""

import io
from dataclasses import replace

from pypdf import PdfWriter

from argmap.mapdata import MapData, short
from argmap.render.options import ExportOptions
from argmap.render.pipeline import check_size, slide_options, view_dot
from argmap.render.select import View, keep_only, select


def direct_claims(data: MapData) -> list[str]:
    """Nodes that directly support or attack a thesis, in map order."""
    theses = {n.key for n in data.nodes if n.kind == "thesis"}
    direct = {p for r in data.relations if not r.is_undercut and r.target in theses
              for p in r.premises}
    return [n.key for n in data.nodes if n.key in direct and n.key not in theses]


def deck_views(data: MapData, options: ExportOptions) -> list[tuple[str, View]]:
    """(page title, view) for every page of the deck; the first is the overview."""
    claims = direct_claims(data)
    shown = {n.key for n in data.nodes if n.kind == "thesis"} | set(claims)
    overview = select(data, hide=options.hide, collapse=tuple(claims))
    overview = replace(overview, data=keep_only(overview.data, shown))
    pages = [(f"{data.title}: overview", overview)]
    for key in claims:
        view = select(data, focus=key, depth=len(data.nodes), hide=options.hide,
                      collapse=options.collapse)
        pages.append((short(data.nodes_by_key[key], 80), view))
    return pages


def deck_sources(data: MapData, options: ExportOptions, *,
                 node_limit: int | None = None) -> tuple[str, ...]:
    """The DOT of every slide, the overview first."""
    slides = slide_options(options)
    sources = []
    for number, (title, view) in enumerate(deck_views(data, options)):
        check_size(view, node_limit)
        titled = replace(view, data=replace(view.data, title=title))
        # The overview shows titles only, so that it stays readable on a projector.
        sources.append(view_dot(titled, slides, brief=number == 0))
    return tuple(sources)


def join_pages(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
