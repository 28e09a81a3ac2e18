"""A slide deck as a PowerPoint file, for people who present from PowerPoint or Impress and
want to edit titles and read speaker notes there; the PDF deck (deck.py) can do neither.

Each slide gets a real title placeholder (so outlines and accessibility checkers see it), the
diagram as a picture under it, and the nodes' full texts with citations as speaker notes.
Pure: slides in, bytes out.
"""

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches, Pt

from argmap.mapdata import MapData
from argmap.render.dot import title_of

TITLE_SIZE = Pt(28)  # one size on every slide, however long the title
MARGIN = 0.5  # inches, left, right and below the picture (the template's own margin)
LAYOUT = "Title Only"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Slide:
    title: str  # the slide's title, set as the slide's real title placeholder text
    picture: bytes  # a PNG of the diagram (already fitted to the area under the title)
    notes: str  # speaker notes (plain text, may hold several paragraphs split by "\n")


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG's IHDR chunk."""
    if png[:8] != PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def fit(size: tuple[int, int], box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """(left, top, width, height) of `size` scaled to fit in `box`, centred, same aspect."""
    left, top, width, height = box
    scale = min(width / size[0], height / size[1])
    w, h = int(size[0] * scale), int(size[1] * scale)
    return left + (width - w) // 2, top + (height - h) // 2, w, h


def pptx_file(slides: Sequence[Slide], *, page: tuple[float, float] = (13.333, 7.5),
              title_band: float = 1.0) -> bytes:
    """The slides as a .pptx file of `page` inches; titles in the top `title_band` inches."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(page[0]), Inches(page[1])
    layout = deck.slide_layouts.get_by_name(LAYOUT)
    if layout is None:
        raise LookupError(f"python-pptx's template has no {LAYOUT!r} layout")
    for slide in slides:
        made = deck.slides.add_slide(layout)
        _title(made, slide.title, page, title_band)
        _picture(made, slide.picture, page, title_band)
        _notes(made, slide.notes)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title(made: PptxSlide, text: str, page: tuple[float, float], band: float) -> None:
    title = made.shapes.title
    if title is None:
        raise LookupError(f"the {LAYOUT!r} layout has no title placeholder")
    title.left, title.top = Inches(MARGIN), Emu(0)
    title.width, title.height = Inches(page[0] - 2 * MARGIN), Inches(band)
    frame = title.text_frame
    frame.text = text
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # no shrinking: the size stays the same everywhere
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = TITLE_SIZE  # also holds for an empty title
        for run in paragraph.runs:
            run.font.size = TITLE_SIZE


def _notes(made: PptxSlide, text: str) -> None:
    frame = made.notes_slide.notes_text_frame
    if frame is None:
        raise LookupError("the notes page has no body placeholder")
    frame.text = text  # "\n" starts a new paragraph


def _picture(made: PptxSlide, png: bytes, page: tuple[float, float], band: float) -> None:
    area = (Inches(MARGIN), Inches(band), Inches(page[0] - 2 * MARGIN),
            Inches(page[1] - band - MARGIN))
    left, top, width, height = fit(png_size(png), area)
    made.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(top), Emu(width), Emu(height))


def slide_notes(data: MapData, keys: Sequence[str]) -> str:
    """Speaker notes for the nodes `keys`: kind and title, full text, citation."""
    return "\n\n".join(_node_note(data, key) for key in keys)


def _node_note(data: MapData, key: str) -> str:
    node = data.nodes_by_key[key]
    lines = [f"{node.kind.upper()} \u00b7 {title_of(node)}", node.text]
    if node.cites:
        lines.append(f"\u2014 {data.sources_by_key[node.cites].citation()}")
    return "\n".join(lines)
