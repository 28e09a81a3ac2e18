"""The legibility measure (tests/legibility.py) reads back the sizes dot was asked for, from real
dot output: at natural size, scaled up to fill a slide, and placed on another page by pypdf."""

import io
import math
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter, Transformation

from tests.legibility import (
    em_height,
    pdf_text_sizes,
    smallest_pdf_text,
    svg_page_inches,
    svg_text_sizes,
    transform_matrix,
)

# 9 pt text on the same line as 20 pt text, and Hangul (another font: a fallback to Nanum).
GRAPH = """digraph G {{ {extra}
  node [shape=box fontsize=20];
  a [label="Thesis"];
  b [label=<Claim <FONT POINT-SIZE="9">footnote</FONT>>];
  c [label="한국 동맹"];
  d [label=<<FONT POINT-SIZE="9">작은 글씨</FONT>>];
  a -> b -> c -> d;
}}"""
SLIDE = 'size="13.333,7.5!";'
# The size of each piece of text at natural size; the PDF has one run per font.
NATURAL_PDF: dict[str, float] = {"Thesis": 20, "Claim": 20, "footnote": 9, "한국": 20,
                                 "동맹": 20, "작은": 9, "글씨": 9}
NATURAL_SVG: dict[str, float] = {"Thesis": 20, "Claim": 20, "footnote": 9, "한국 동맹": 20,
                                 "작은 글씨": 9}
TOLERANCE = 0.3  # pt


def dot(device: str, extra: str = "") -> bytes:
    return subprocess.run(["dot", f"-T{device}"], input=GRAPH.format(extra=extra).encode(),
                          capture_output=True, check=True).stdout


def slide_scale() -> float:
    """How much dot scales the graph up to fill 13.333 x 7.5 in, from -Tplain ("graph scale
    width height", in inches). dot fits the drawing with its pad (4 pt a side by default) and
    -Tplain leaves the pad out, so it is added: without it the scale would be 3% too large."""
    _, _, width, height = dot("plain").decode().splitlines()[0].split()
    pad = 2 * 4 / 72
    return min(13.333 / (float(width) + pad), 7.5 / (float(height) + pad))


def scaled(sizes: dict[str, float], factor: float) -> dict[str, float]:
    return {text: size * factor for text, size in sizes.items()}


def measured(runs: list[tuple[str, float]]) -> dict[str, float]:
    """Runs by text; a text measured twice at different sizes would be lost, so fail on it."""
    by_text = dict(runs)
    assert len(by_text) == len(runs), runs
    return by_text


def merged(pdf: bytes, transformation: Transformation) -> bytes:
    """The first page of pdf placed on a blank slide, the way pypdf composes pages."""
    writer = PdfWriter()
    slide = writer.add_blank_page(960, 540)
    slide.merge_transformed_page(PdfReader(io.BytesIO(pdf)).pages[0], transformation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_em_height_ignores_sideways_stretch_and_slant():
    assert em_height((2.0, 0.0, 0.0, 1.0)) == pytest.approx(1.0)
    assert em_height((1.0, 0.0, 0.5, 1.0)) == pytest.approx(1.0)
    assert em_height((0.0, 3.0, -3.0, 0.0)) == pytest.approx(3.0)  # rotated


def test_svg_transform_list_scales():
    matrix = transform_matrix("scale(2 3) rotate(90) translate(4 184)")
    assert em_height(matrix) == pytest.approx(2.0)  # rotated first: the em lies along x


def test_pdf_at_natural_size():
    [page] = pdf_text_sizes(dot("pdf:cairo"))
    assert measured(page) == pytest.approx(NATURAL_PDF, abs=TOLERANCE)


def test_svg_at_natural_size():
    assert measured(svg_text_sizes(dot("svg"))) == pytest.approx(NATURAL_SVG, abs=TOLERANCE)


def test_pdf_scaled_to_fill_a_slide():
    s = slide_scale()
    assert s > 2  # the graph is small: a real scale-up, not a rounding
    [page] = pdf_text_sizes(dot("pdf:cairo", SLIDE))
    assert measured(page) == pytest.approx(scaled(NATURAL_PDF, s), abs=TOLERANCE)


def test_svg_scaled_to_fill_a_slide():
    svg = dot("svg", SLIDE)
    s = slide_scale()
    assert measured(svg_text_sizes(svg)) == pytest.approx(scaled(NATURAL_SVG, s), abs=TOLERANCE)
    width, height = svg_page_inches(svg)
    assert min(13.333 - width, 7.5 - height) == pytest.approx(0, abs=0.02)


def test_merged_page_counts_the_placement():
    pdf = merged(dot("pdf:cairo"), Transformation().scale(0.5).translate(100, 50))
    [page] = pdf_text_sizes(pdf)
    assert measured(page) == pytest.approx(scaled(NATURAL_PDF, 0.5), abs=TOLERANCE)
    assert smallest_pdf_text(pdf) == pytest.approx([4.5], abs=TOLERANCE)


def test_rotated_merged_page_keeps_its_sizes():
    pdf = merged(dot("pdf:cairo"), Transformation().rotate(30).scale(0.5).translate(400, 50))
    assert smallest_pdf_text(pdf) == pytest.approx([4.5], abs=TOLERANCE)


def test_smallest_per_page_of_a_joined_deck():
    writer = PdfWriter()
    for pdf in (dot("pdf:cairo"), dot("pdf:cairo", SLIDE)):
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    assert smallest_pdf_text(out.getvalue()) == pytest.approx([9, 9 * slide_scale()],
                                                              abs=TOLERANCE)


def test_page_without_text_has_nothing_too_small():
    writer = PdfWriter()
    writer.add_blank_page(960, 540)
    out = io.BytesIO()
    writer.write(out)
    assert smallest_pdf_text(out.getvalue()) == [math.inf]
