r"""Graphviz HTML-like labels built from user text.

User text is escaped for HTML (& < > " ') and its backslashes are doubled: Graphviz still
expands escString sequences such as \N (the node name) inside HTML-like labels, even when the
backslash is written as an entity, and a doubled backslash is the one form it prints as is.
"""

import html
import re
import textwrap
from dataclasses import dataclass

# What XML (and so SVG) cannot carry, or `dot` refuses: control characters, lone surrogates
# and the Unicode non-characters (U+FDD0..U+FDEF and the last two code points of each plane).
_UNDRAWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef"
                         + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                   for plane in range(17)) + "]")


# Graphviz decodes entities in what it is given, and writes "&name;" into SVG as it is: a
# typed "&lt;" or "&#xD800;" would show as "<" or break the file. A word joiner (invisible,
# and no break) after such an "&" keeps the text as typed.
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def plain(text: str) -> str:
    """Text as a drawing can carry it: without the characters SVG can't hold, and with any
    entity-like "&...;" kept literal. The stored text keeps what was typed."""
    return _ENTITY_LIKE.sub("&\u2060", _UNDRAWABLE.sub("", text))


def escape(text: str) -> str:
    return html.escape(plain(text), quote=True).replace("\\", "\\\\")


def wrap(text: str, width: int) -> list[str]:
    """Wrap at spaces only, so joining the lines with spaces gives the text back."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width=width, break_long_words=False,
                                   break_on_hyphens=False) or [""])
    return lines


@dataclass(frozen=True)
class Row:
    """One cell of a label: its lines, printed in one size and style."""

    lines: tuple[str, ...]
    size: int
    color: str | None = None
    bold: bool = False
    italic: bool = False
    band: str | None = None  # the cell's background colour


def row_cell(row: Row, *, default_size: int) -> str:
    return lines_cell(list(row.lines), size=None if row.size == default_size else row.size,
                      color=row.color, bold=row.bold, italic=row.italic, band=row.band)


def lines_cell(lines: list[str], *, size: int | None = None, color: str | None = None,
               bold: bool = False, italic: bool = False, band: str | None = None) -> str:
    body = '<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines)
    cell = f' BGCOLOR="{band}"' if band else ""
    if not body.strip():  # Graphviz refuses an empty <B></B> (a title of only spaces)
        return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{cell}> </TD></TR>'
    if bold:
        body = f"<B>{body}</B>"
    if italic:
        body = f"<I>{body}</I>"
    attrs = "".join(f' {k}="{v}"' for k, v in (("POINT-SIZE", size), ("COLOR", color)) if v)
    if attrs:
        body = f"<FONT{attrs}>{body}</FONT>"
    return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{cell}>{body}<BR ALIGN="LEFT"/></TD></TR>'


def table(rows: list[str], **attrs: str) -> str:
    base = {"BORDER": "0", "CELLBORDER": "0", "CELLSPACING": "0", "CELLPADDING": "1"}
    base.update(attrs)
    attr_text = " ".join(f'{k}="{v}"' for k, v in base.items())
    return f"<<TABLE {attr_text}>{''.join(rows)}</TABLE>>"
