"""Estimated sizes of what a drawing prints, in inches, before `dot` lays it out.

Folding (fold.py) and the deck's pagination (deck.py) choose among candidates by size, and
running `dot` for each candidate would cost a layout per candidate. The widths come from
DejaVu Sans's average advance, measured on the seed map's labels (regular 0.52-0.56 em, bold
0.51-0.63 em), rounded up so that an estimate errs on the large side.
"""

import unicodedata

from argmap.render.labels import Row

EM = {False: 0.58, True: 0.64}  # average advance of a character, in ems
LEADING = 1.18  # line height, in ems
MARGIN = (0.34, 0.28)  # a box's margins and padding around its label, in inches
POINT = 1 / 72


def text_width(line: str, size: float, bold: bool = False) -> float:
    """A line's width: East Asian wide characters (Hangul, say) count about twice."""
    wide = sum(1 for c in line if unicodedata.east_asian_width(c) in "WF")
    return (len(line) + 0.8 * wide) * size * EM[bold] * POINT


def rows_size(rows: list[Row]) -> tuple[float, float]:
    """The label's own size: its widest line by the sum of its lines' heights."""
    width = max((text_width(line, row.size, row.bold) for row in rows for line in row.lines),
                default=0.0)
    height = sum(len(row.lines) * row.size * LEADING * POINT for row in rows)
    return width, height


def box_size(rows: list[Row]) -> tuple[float, float]:
    width, height = rows_size(rows)
    return width + MARGIN[0], height + MARGIN[1]
