"""The size text has on the physical page, read from the PDF or SVG that was written (not from
the DOT that asked for it), so that legibility rules test what a reader will see.

Sizes are the height of the em, in points, perpendicular to the baseline: font size times the
scale of every matrix between the text and the page.
"""

import io
import math
import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter

# The 2x2 part (a, b, c, d) of a PDF or SVG matrix; translations do not change sizes.
# Row-vector convention, as in PDF: a point (x, y) goes to (a x + c y, b x + d y).
Matrix = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0)


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix that applies `first`, then `then`."""
    a, b, c, d = first
    e, f, g, h = then
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def em_height(m: Matrix) -> float:
    """How tall a unit em drawn through m is, measured perpendicular to its baseline:
    |det| / length of the baseline vector. Not sqrt(|det|), which also grows when text is only
    stretched sideways (Tz, a non-uniform scale), nor the length of the y vector, which grows
    under shear though slanted text is no taller."""
    a, b, c, d = m
    baseline = math.hypot(a, b)
    return abs(a * d - b * c) / baseline if baseline else 0.0


# --- PDF ---------------------------------------------------------------------------------

SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def _refuse_forms(page: PageObject, operands: list[Any]) -> None:
    """pypdf reads a form XObject's text without the matrices that place it, so its sizes would
    be wrong; fail instead of passing a rule on them."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None or not operands:
        return
    xobject = xobjects.get_object().get(operands[0])
    if xobject is not None and xobject.get_object().get("/Subtype") == "/Form":
        raise NotImplementedError(f"form XObject {operands[0]}: its text cannot be measured")


def _one_run_per_show(page: PageObject) -> None:
    """pypdf gives its text visitor all the runs of one line at once, with the first run's
    matrix: cairo sets a new Tm for a 9 pt word after 20 pt ones on the same line and pypdf
    reports the 9 pt word at 20. It ends a run at each Tf, so repeat the current font before
    every operator that shows text (the font is part of the graphics state: q/Q keep it)."""
    content = page.get_contents()
    if content is None:
        return
    font: list[Any] | None = None
    saved: list[list[Any] | None] = []
    operations: list[tuple[Any, bytes]] = []
    for operands, operator in content.operations:
        if operator == b"q":
            saved.append(font)
        elif operator == b"Q" and saved:
            font = saved.pop()
        elif operator == b"Tf":
            font = operands
        elif operator == b"Do":
            _refuse_forms(page, operands)
        elif operator in SHOW_TEXT and font is not None:
            operations.append((font, b"Tf"))
        operations.append((operands, operator))
    content.operations = operations
    page.replace_contents(content)


def _pdf_matrix(values: list[float]) -> Matrix:
    return (float(values[0]), float(values[1]), float(values[2]), float(values[3]))


def _page_runs(page: PageObject) -> list[tuple[str, float]]:
    """(text, size in pt) of every run on the page. The text rendering matrix is
    font size x Tm x CTM (PDF 32000-1, 9.4.4); cairo shows text in a font of size 1 and puts
    the size in Tm, and a merged page's placement is in the CTM, so all three count."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if text.strip():
            matrix = multiply(_pdf_matrix(tm), _pdf_matrix(cm))
            runs.append((text.strip(), size * em_height(matrix)))

    page.extract_text(visitor_text=visit)
    return runs


def _split_runs(pdf: bytes) -> bytes:
    """The PDF with one run per text-showing operator. Only a writer's pages can have their
    content replaced, and pypdf decodes such a page's Hangul as glyph ids until it is written
    and read again, so write it."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        _one_run_per_show(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text_sizes(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Per page, (text, size in pt on the page) of every run that is not only whitespace."""
    return [_page_runs(page) for page in PdfReader(io.BytesIO(_split_runs(pdf))).pages]


def smallest_pdf_text(pdf: bytes) -> list[float]:
    """The smallest text size on each page (infinity on a page without text: nothing there is
    too small)."""
    return [min((size for _, size in runs), default=math.inf) for runs in pdf_text_sizes(pdf)]


# --- SVG ---------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
_FUNCTION = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*$")
# SVG user units are CSS px; these are the other units Graphviz or an editor may write.
PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
               "mm": 96 / 25.4}


def _length_px(value: str) -> float:
    """A length in user units (px); fails on anything else ('%', 'em'), not guess."""
    match = _LENGTH.match(value)
    if match is None or match[2] not in PX_PER_UNIT:
        raise ValueError(f"not a length this measure knows: {value!r}")
    return float(match[1]) * PX_PER_UNIT[match[2]]


def _function_matrix(name: str, args: list[float]) -> Matrix:
    """The 2x2 part of one SVG transform function."""
    if name == "matrix":
        return (args[0], args[1], args[2], args[3])
    if name == "scale":
        return (args[0], 0.0, 0.0, args[1] if len(args) > 1 else args[0])
    angle = math.radians(args[0]) if args else 0.0
    if name == "rotate":
        return (math.cos(angle), math.sin(angle), -math.sin(angle), math.cos(angle))
    if name == "skewX":
        return (1.0, 0.0, math.tan(angle), 1.0)
    if name == "skewY":
        return (1.0, math.tan(angle), 0.0, 1.0)
    return IDENTITY  # translate


def transform_matrix(attribute: str) -> Matrix:
    """An SVG transform list as one matrix; the last function in the list applies first."""
    matrix = IDENTITY
    for name, args in _FUNCTION.findall(attribute):
        numbers = [float(x) for x in re.split(r"[\s,]+", args.strip()) if x]
        matrix = multiply(_function_matrix(name, numbers), matrix)
    return matrix


def _own_font_size(element: ElementTree.Element) -> str | None:
    """font-size set on the element, as a style property (which wins) or an attribute."""
    style = re.search(r"font-size\s*:\s*([^;]+)", element.get("style", ""))
    return style[1] if style else element.get("font-size")


def _svg_runs(element: ElementTree.Element, outer: Matrix,
              font_size: float | None) -> list[tuple[str, float]]:
    """(text, size in user units) of every <text> inside element, with the transforms of the
    element and its ancestors (an element's own transform applies before its parent's)."""
    matrix = multiply(transform_matrix(element.get("transform", "")), outer)
    own = _own_font_size(element)
    font_size = _length_px(own) if own is not None else font_size
    if element.tag == f"{SVG}text":
        text = "".join(element.itertext()).strip()
        if not text:
            return []
        if font_size is None:
            raise ValueError(f"no font-size for <text> {text!r}: the browser's default decides")
        return [(text, font_size * em_height(matrix))]
    return [run for child in element for run in _svg_runs(child, matrix, font_size)]


def svg_page_inches(svg: bytes) -> tuple[float, float]:
    """(width, height) of the page in inches, from the root's width and height ("960pt")."""
    root = ElementTree.fromstring(svg)
    return (_length_px(root.get("width", "")) / 96, _length_px(root.get("height", "")) / 96)


def _points_per_user_unit(root: ElementTree.Element) -> float:
    """How many points on the page one user unit is: the viewBox is fitted into width x height
    keeping its aspect ('meet', the default), so the smaller of the two ratios. Without a
    viewBox a user unit is a px."""
    width, height = (_length_px(root.get(side, "")) * 72 / 96 for side in ("width", "height"))
    box = [float(x) for x in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if x]
    if len(box) != 4:
        return 72 / 96
    return min(width / box[2], height / box[3])


def svg_text_sizes(svg: bytes) -> list[tuple[str, float]]:
    """(text, size in pt on the page) of every <text> that is not only whitespace."""
    root = ElementTree.fromstring(svg)
    scale = _points_per_user_unit(root)
    return [(text, size * scale) for text, size in _svg_runs(root, IDENTITY, None)]
