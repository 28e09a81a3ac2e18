"""DOT stage: MapData + theme + layout options -> DOT source (a pure function)."""

from dataclasses import dataclass

import graphviz

from argmap.mapdata import MapData, NodeData
from argmap.render.labels import escape, lines_cell, plain, table, wrap
from argmap.render.theme import LIGHT, Theme


@dataclass(frozen=True)
class Layout:
    rankdir: str = "BT"  # the thesis on top, reasons below it
    wrap: int = 36  # characters per label line
    font_size: int = 11
    nodesep: float = 0.35
    ranksep: float = 0.55
    legend: bool = True
    link_prefix: str | None = None  # nodes link to prefix + key (the web page's node panel)


DEFAULT_LAYOUT = Layout()


def node_id(key: str) -> str:
    return f"n-{key}"


def junction_id(ref: str) -> str:
    source, target = ref.split(" -> ")
    return f"j-{source}--{target}"


def node_label(node: NodeData, data: MapData, theme: Theme, layout: Layout) -> str:
    style = theme.nodes[node.kind]
    caption = style.caption + (" \u00b7 EDITOR'S ADDITION" if node.origin == "editor" else "")
    small = max(layout.font_size - 2, 6)
    rows = [lines_cell([caption], size=small, color=theme.muted)]
    if node.title:
        rows.append(lines_cell(wrap(node.title, layout.wrap), bold=True))
    rows.append(lines_cell(wrap(node.text, layout.wrap)))
    if node.cites:
        citation = data.sources_by_key[node.cites].citation()
        rows.append(lines_cell(wrap(f"\u2014 {citation}", layout.wrap + 4), size=small,
                               color=theme.muted, italic=True))
    return table(rows)


def legend_label(data: MapData, theme: Theme, layout: Layout) -> str:
    small = max(layout.font_size - 1, 6)
    cells = []
    for kind, style in theme.nodes.items():
        cells.append(f'<TD BGCOLOR="{style.fill}" BORDER="1" COLOR="{style.border}" '
                     f'CELLPADDING="4"><FONT POINT-SIZE="{small}">{escape(kind)}</FONT></TD>')
    for style in theme.edges.values():
        cells.append(f'<TD CELLPADDING="4"><FONT POINT-SIZE="{small}" COLOR="{style.color}">'
                     f'{escape(style.sample)}</FONT><FONT POINT-SIZE="{small}"> '
                     f'{escape(style.caption)}</FONT></TD>')
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4"><TR>{"".join(cells)}</TR>'
            "</TABLE>")


def to_dot(data: MapData, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT) -> str:
    graph = graphviz.Digraph(name=graphviz.escape(data.slug))
    graph.attr(rankdir=layout.rankdir, bgcolor=theme.background, fontname=theme.font,
               fontcolor=theme.text, fontsize=str(layout.font_size), nodesep=str(layout.nodesep),
               ranksep=str(layout.ranksep), newrank="true", pad="0.3")
    graph.attr("node", fontname=theme.font, fontsize=str(layout.font_size),
               fontcolor=theme.text, margin="0.14,0.08")
    graph.attr("edge", fontname=theme.font, fontsize=str(layout.font_size - 2))
    if layout.legend:
        graph.attr(label=f"<{legend_label(data, theme, layout)}>", labelloc="b",
                   labeljust="l")
    for node in data.nodes:
        style = theme.nodes[node.kind]
        graph.node(node_id(node.key), label=node_label(node, data, theme, layout),
                   id=node_id(node.key), shape=style.shape, style=style.style,
                   fillcolor=style.fill, color=style.border, penwidth=str(style.penwidth),
                   peripheries=str(style.peripheries), tooltip=graphviz.escape(plain(node.text)),
                   **({"href": layout.link_prefix + node.key, "target": "_top"}
                      if layout.link_prefix else {}))
    undercut_refs = {rel.target for rel in data.relations if rel.is_undercut}
    for rel in data.relations:
        style = theme.edges[rel.kind]
        attrs = {"color": style.color, "style": style.style, "arrowhead": style.arrowhead,
                 "penwidth": str(style.penwidth), "id": f"r-{rel.source}--{rel.target}"}
        if rel.is_undercut:
            attrs["id"] = f"u-{rel.source}--{junction_id(rel.target)}"
            graph.edge(node_id(rel.source), junction_id(rel.target), **attrs)
        elif rel.ref in undercut_refs:
            # An undercut attacks the inference itself: route the support through a junction
            # point so the undercut has something to point at.
            junction = junction_id(rel.ref)
            graph.node(junction, label="", id=junction, shape="diamond", width="0.16",
                       height="0.16", style="filled", fillcolor=style.color, color=style.color,
                       tooltip=f"inference {rel.ref}")
            graph.edge(node_id(rel.source), junction, **{**attrs, "arrowhead": "none"})
            graph.edge(junction, node_id(rel.target), **attrs)
        else:
            graph.edge(node_id(rel.source), node_id(rel.target), **attrs)
    return graph.source
