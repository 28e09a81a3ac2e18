"""The PowerPoint writer, read back with python-pptx: titles as real title placeholders at one
size, pictures under the title band with their aspect kept, speaker notes, page sizes."""

import io
import subprocess

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Emu, Inches, Pt

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render.pptx import Slide, png_size, pptx_file, slide_notes

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")
GRAPHS = [b"digraph{a->b}", b"digraph{rankdir=LR; a->b->c->d->e}",
          b"digraph{t->{a b c d e f g}}"]


def _png(graph: bytes) -> bytes:
    return subprocess.run(["dot", "-Tpng"], input=graph, capture_output=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def slides() -> list[Slide]:
    return [Slide(title=f"Slide {i}: a title", picture=_png(g),
                  notes=f"First paragraph {i}\nSecond paragraph {i}")
            for i, g in enumerate(GRAPHS)]


def _read(data: bytes):
    return Presentation(io.BytesIO(data))


@pytest.mark.parametrize("page", [(13.333, 7.5), (10, 7.5)])
def test_slides_titles_pictures_and_notes(slides: list[Slide], page: tuple[float, float]):
    band = 1.0
    deck = _read(pptx_file(slides, page=page, title_band=band))
    assert deck.slide_width == Inches(page[0])
    assert deck.slide_height == Inches(page[1])
    width, height = deck.slide_width, deck.slide_height
    assert width is not None and height is not None
    assert len(deck.slides) == len(slides)
    for made, given in zip(deck.slides, slides, strict=True):
        title = made.shapes.title
        assert title is not None and title.is_placeholder
        assert title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        assert title.text_frame.text == given.title
        assert title.top >= 0 and title.top + title.height <= Inches(band)
        assert title.left >= 0 and title.left + title.width <= width
        assert [r.font.size for p in title.text_frame.paragraphs for r in p.runs] == [Pt(28)]

        assert made.has_notes_slide
        assert made.notes_slide.notes_text_frame is not None
        assert made.notes_slide.notes_text_frame.text == given.notes

        pictures = [s for s in made.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        pic = pictures[0]
        assert pic.top >= Inches(band) and pic.left >= 0
        assert pic.left + pic.width <= width and pic.top + pic.height <= height
        px_w, px_h = png_size(given.picture)
        assert abs((pic.width / pic.height) / (px_w / px_h) - 1) < 0.01


def test_pictures_are_centred_and_fill_one_side(slides: list[Slide]):
    deck = _read(pptx_file(slides))
    width = deck.slide_width
    assert width is not None
    for made in deck.slides:
        pic = next(s for s in made.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        left_gap, right_gap = pic.left, width - pic.left - pic.width
        assert abs(left_gap - right_gap) <= Emu(2)
        fills_width = pic.width >= Inches(13.333 - 1) - Emu(2)
        fills_height = pic.height >= Inches(7.5 - 1.5) - Emu(2)
        assert fills_width or fills_height


def test_png_size_reads_the_header():
    png = _png(b"digraph{a->b}")
    width, height = png_size(png)
    assert 0 < width < height  # a over b: taller than wide
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))


def test_slide_notes_hold_texts_and_citations_in_order():
    keys = ["mdt-article-4", "thesis"]
    notes = slide_notes(SEED, keys)
    article, thesis = (SEED.nodes_by_key[k] for k in keys)
    assert article.cites is not None
    citation = SEED.sources_by_key[article.cites].citation()
    paragraphs = notes.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith(f"EVIDENCE \u00b7 {article.title}\n")
    assert article.text in paragraphs[0]
    assert paragraphs[0].endswith(f"\u2014 {citation}")
    assert paragraphs[1].startswith("THESIS \u00b7 ")
    assert thesis.text in paragraphs[1]
    assert notes.index(article.text) < notes.index(citation) < notes.index(thesis.text)
