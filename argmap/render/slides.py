"""The deck as files: its pages planned (deck.py) and drawn, as a PDF of slides or a
PowerPoint file.

Each slide is its title band, drawn at one size for every slide, over its diagram, fitted
to the area under the band and held to the legibility rule (run.fill_page). The PDF's pages
are put together with pypdf; the .pptx (pptx.py) gets the same diagrams as pictures.
"""

import hashlib
import io
from dataclasses import replace
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ContentStream

from argmap.errors import TooLarge
from argmap.mapdata import MapData, keep_only
from argmap.render.deck import (
    BAND,
    plan_deck,
    slide_area,
    slide_layout,
    title_dot,
)
from argmap.render.dot import printed, to_dot
from argmap.render.options import FITS, ExportOptions
from argmap.render.pipeline import layout_for
from argmap.render.pptx import Slide, pptx_file, slide_notes
from argmap.render.run import Deadline, run_dot
from argmap.render.theme import THEMES

DECKS = ("deck", "pptx")
PPTX_DPI = 200  # the pictures in a .pptx: sharp on a projector, a few MB for a deck
TITLE_INSET = 0.35  # inches from the slide's left edge to its title
# This stage's code, in every deck's cache key (with run.OUTPUT_STAGE).
DECK_STAGE = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes() for name in ("slides.py", "deck.py",
                                                              "pptx.py"))).hexdigest()[:16]


def deck_plan(data: MapData, options: ExportOptions, fmt: str, *, node_limit: int | None,
              marks) -> dict:
    """What a deck draws, page by page: the Drawing's fields (no `dot` run yet)."""
    if node_limit is not None and len(data.nodes) > node_limit:
        raise TooLarge(len(data.nodes), node_limit)
    page = FITS[options.fit] or FITS["16:9"]
    theme = THEMES[options.theme]
    shown = keep_only(data, {n.key for n in data.nodes
                             if n.kind not in options.hide or n.kind == "thesis"})
    base = replace(layout_for(options), marks=marks[0], inference_marks=marks[1])
    claims = "titles" if options.labels == "titles" else "compact"  # see README: Slides
    layouts = (slide_layout(base, "compact", page), slide_layout(base, claims, page))
    pages = plan_deck(shown, theme=theme, layouts=layouts,
                      page=page, reveal=options.reveal)
    total = max(p.number for p in pages)
    sources = tuple(to_dot(p.view.data, theme, p.layout, stubs=p.view.stubs, hidden=p.hidden)
                    for p in pages)
    notes = (tuple(slide_notes(data, [n.key for n in p.view.data.nodes]) for p in pages)
             if fmt == "pptx" else ())
    return {"sources": sources, "fmt": fmt, "page": page, "printed": printed(layouts[1]),
            "titles": tuple((p.title, f"{p.number} / {total}") for p in pages),
            "theme": theme.name, "notes": notes, "dpi": PPTX_DPI if fmt == "pptx" else None}


def draw_deck(plan, deadline: Deadline) -> bytes:
    """The deck's file: a PDF of slides, or a .pptx with the same pictures."""
    area = slide_area(plan.page)
    theme = THEMES[plan.theme]
    if plan.fmt == "pptx":
        pictures = [run_dot(source, "png", timeout=deadline, page=area, printed=plan.printed,
                            dpi=plan.dpi) for source in plan.sources]
        return pptx_file([Slide(title, picture, notes) for (title, _n), picture, notes
                          in zip(plan.titles, pictures, plan.notes, strict=True)],
                         page=plan.page, title_band=BAND)
    heads: dict[tuple[str, str], PageObject] = {}
    writer = PdfWriter()
    for source, title in zip(plan.sources, plan.titles, strict=True):
        if title not in heads:  # a build-up repeats its slide's title
            band = title_dot(*title, theme=theme, width=plan.page[0] - 2 * TITLE_INSET)
            heads[title] = _page(run_dot(band, "pdf", timeout=deadline))
        body = _page(run_dot(source, "pdf", timeout=deadline, page=area, printed=plan.printed))
        slide = _backdrop(writer, plan.page, theme.background)
        slide.merge_page(body)
        head = heads[title]
        top = plan.page[1] * 72 - (BAND * 72 + float(head.mediabox.height)) / 2
        slide.merge_transformed_page(head, Transformation().translate(TITLE_INSET * 72, top))
        writer.add_page(slide)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _backdrop(writer: PdfWriter, page: tuple[float, float], colour: str) -> PageObject:
    """A blank slide filled with the theme's background (the title band's too)."""
    slide = PageObject.create_blank_page(width=page[0] * 72, height=page[1] * 72)
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    fill = ContentStream(None, writer)
    fill.set_data(f"{red:.4f} {green:.4f} {blue:.4f} rg 0 0 {page[0] * 72:.2f} "
                  f"{page[1] * 72:.2f} re f".encode())
    slide.replace_contents(fill)
    return slide


def _page(pdf: bytes) -> PageObject:
    return PdfReader(io.BytesIO(pdf)).pages[0]
