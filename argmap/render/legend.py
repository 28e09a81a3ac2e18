"""The graph's label: the map's title and caption, and the legend, which wraps into rows no
wider than the drawing so that a folded or slide-sized diagram keeps it readable."""

from argmap.mapdata import MapData
from argmap.render.labels import escape
from argmap.render.measure import POINT, text_width
from argmap.render.theme import OPPOSING_WORDS, ORIGIN_WORDS, Theme

CELL_PADDING = 4  # points, inside each legend cell
CELL_SPACING = 4  # points, between them


def caption(data: MapData) -> str:
    doc = data.document
    parts = [doc.title and f"A map of \u201c{doc.title}\u201d", doc.author and f"by {doc.author}",
             doc.outlet, doc.date and doc.date.strftime("%-d %B %Y")]
    return ", ".join(p for p in parts if p).replace(", by", " by")


def graph_label(data: MapData, theme: Theme, *, font_size: int, title: bool, legend: bool,
                evaluated: bool, width: float) -> tuple[str | None, tuple[float, float]]:
    """Title, caption and legend stacked in one table (Graphviz has one graph label), with
    its estimated size in inches; the legend wraps at `width` inches."""
    rows, size = [], [0.0, 0.0]

    def add(row: str, row_width: float, row_height: float) -> None:
        rows.append(f'<TR><TD ALIGN="LEFT">{row}</TD></TR>')
        size[0], size[1] = max(size[0], row_width), size[1] + row_height

    if title:
        big = font_size + 7
        add(f'<FONT POINT-SIZE="{big}"><B>{escape(data.title)}</B></FONT>',
            text_width(data.title, big, True), big * 1.3 * POINT)
        if caption(data):
            add(f'<FONT POINT-SIZE="{font_size}" COLOR="{theme.muted}">'
                f"{escape(caption(data))}</FONT>",
                text_width(caption(data), font_size), font_size * 1.3 * POINT)
    if legend:
        table, table_size = legend_table(data, theme, font_size=font_size,
                                         evaluated=evaluated, width=width)
        add(table, *table_size)
    if not rows:
        return None, (0.0, 0.0)
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{"".join(rows)}</TABLE>',
            (size[0], size[1]))


def legend_cells(data: MapData, theme: Theme, small: int, evaluated: bool
                 ) -> list[tuple[str, str]]:
    """(cell HTML, its printed text) for each entry of the legend."""
    font = f'<FONT POINT-SIZE="{small}"'
    cells = []
    if evaluated:
        text = "\u2713 stands \u00b7 \u2717 defeated (faded, dashed) \u00b7 ? undecided \u00b7 " \
               "% strength"
        cells.append((f'<TD CELLPADDING="{CELL_PADDING}">{font}>{text}</FONT></TD>', text))
    # Only what this drawing shows: a focused view or a slide keeps its legend short.
    kinds = {n.kind for n in data.nodes}
    relations = {r.kind for r in data.relations}
    for kind, style in theme.nodes.items():
        if kind not in kinds:
            continue
        cells.append((f'<TD BGCOLOR="{style.fill}" BORDER="1" COLOR="{style.border}" '
                      f'CELLPADDING="{CELL_PADDING}">{font}>{escape(kind)}</FONT></TD>', kind))
    for kind, style in theme.edges.items():
        if kind not in relations:
            continue
        cells.append((f'<TD CELLPADDING="{CELL_PADDING}">{font} COLOR="{style.color}">'
                      f'{escape(style.sample)}</FONT>{font}> {escape(style.caption)}</FONT>'
                      "</TD>", f"{style.sample} {style.caption}"))
    if any(n.opposing for n in data.nodes):
        words = OPPOSING_WORDS.upper()  # the band says it: a view the source argues against
        cells.append((f'<TD BGCOLOR="{theme.band}" CELLPADDING="{CELL_PADDING}">{font} '
                      f'COLOR="{theme.band_text}">{escape(words)}</FONT></TD>', words))
    origins = {n.origin for n in data.nodes}
    for origin, words in ORIGIN_WORDS.items():  # the words say it: not from the source
        if origin in origins:
            shown = f"<I>{escape(words)}</I>" if origin == "reconstruction" else escape(words)
            cells.append((f'<TD CELLPADDING="{CELL_PADDING}">{font}>{shown}</FONT></TD>',
                          words))
    if any(r.is_linked for r in data.relations):
        text = "linked: count only together"
        cells.append((f'<TD CELLPADDING="{CELL_PADDING}">{font} COLOR="{theme.text}">'
                      f"\u2014\u25c6\u2014\u25b6</FONT>{font}> {text}</FONT></TD>",
                      f"\u2014\u25c6\u2014\u25b6 {text}"))
    return cells


def legend_table(data: MapData, theme: Theme, *, font_size: int, evaluated: bool,
                 width: float) -> tuple[str, tuple[float, float]]:
    small = max(font_size - 1, 6)
    rows: list[list[str]] = [[]]
    row_width, widest = 0.0, 0.0
    for cell, text in legend_cells(data, theme, small, evaluated):
        cell_width = text_width(text, small) + (2 * CELL_PADDING + CELL_SPACING) * POINT
        if rows[-1] and row_width + cell_width > width:
            rows.append([])
            row_width = 0.0
        rows[-1].append(cell)
        row_width += cell_width
        widest = max(widest, row_width)
    # Each row is its own table, so that rows of different lengths keep their cells' widths.
    body = "".join(f'<TR><TD ALIGN="LEFT"><TABLE ALIGN="LEFT" BORDER="0" CELLBORDER="0" '
                   f'CELLSPACING="{CELL_SPACING}"><TR>{"".join(row)}</TR></TABLE></TD></TR>'
                   for row in rows)
    height = len(rows) * (small * 1.5 + 2 * CELL_PADDING + 2 * CELL_SPACING) * POINT
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0">{body}</TABLE>',
            (widest, height))
