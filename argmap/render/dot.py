"""DOT stage: MapData + theme + layout options -> DOT source (a pure function)."""

from dataclasses import dataclass

import graphviz

from argmap.mapdata import MapData, NodeData, RelationData
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
    title: bool = False  # the map's title and source above the diagram
    size: tuple[float, float] | None = None  # fit the drawing to a page of this size (inches)
    labels: str = "full"  # full, titles or compact (render/options.py LABELS)
    # Evaluation marks: node key -> (label, strength); inference ref -> label.
    marks: tuple[tuple[str, str, float], ...] = ()
    inference_marks: tuple[tuple[str, str], ...] = ()
    link_prefix: str | None = None  # nodes link to prefix + key (the web page's node panel)


DEFAULT_LAYOUT = Layout()


MARKS = {"IN": "\u2713", "OUT": "\u2717", "UNDEC": "?", "WITHDRAWN": "\u2205"}
WORDS = {"IN": "stands", "OUT": "defeated", "UNDEC": "undecided",
         "WITHDRAWN": "supposed withdrawn"}


def fade(colour: str, background: str, keep: float = 0.35) -> str:
    """The colour mixed towards the background, for defeated nodes."""
    mixed = (round(int(colour[i:i + 2], 16) * keep + int(background[i:i + 2], 16) * (1 - keep))
             for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def node_id(key: str) -> str:
    return f"n-{key}"


def junction_id(step: RelationData) -> str:
    """The inference point of a step: where its premises meet (keys never hold "_")."""
    target = step.target if not step.is_undercut else step.target.replace(" -> ", "--")
    return f"j-{'_'.join(step.premises)}--{target}".replace(" + ", "_")


def edge_id(prefix: str, source: str, target: str) -> str:
    return f"{prefix}-{source}--{target}"


def node_label(node: NodeData, data: MapData, theme: Theme, layout: Layout) -> str:
    style = theme.nodes[node.kind]
    caption = style.caption + (" \u00b7 EDITOR'S ADDITION" if node.origin == "editor" else "")
    mark = dict((k, (label, strength)) for k, label, strength in layout.marks).get(node.key)
    if mark:
        label, strength = mark
        caption = f"{MARKS[label]} {WORDS[label].upper()}" + (
            f" \u00b7 {strength:.0%}" if label != "WITHDRAWN" else "") + f" \u00b7 {caption}"
    small = max(layout.font_size - 2, 6)
    titled = bool(node.title and node.title.strip())
    if layout.labels == "compact":  # the kind shows in the box's shape and colour
        sign = f"{MARKS[mark[0]]} " if mark else ""
        return table([lines_cell(wrap(sign + title_of(node), layout.wrap), bold=True)])
    rows = [lines_cell([caption], size=small, color=theme.muted)]
    if layout.labels == "titles":
        return table([*rows, lines_cell(wrap(title_of(node), layout.wrap), bold=titled)])
    if titled:
        rows.append(lines_cell(wrap(node.title or "", layout.wrap), bold=True))
    rows.append(lines_cell(wrap(node.text, layout.wrap)))
    if node.cites:
        citation = data.sources_by_key[node.cites].citation()
        rows.append(lines_cell(wrap(f"\u2014 {citation}", layout.wrap + 4), size=small,
                               color=theme.muted, italic=True))
    return table(rows)


TITLE_WORDS = 8  # what a node without a title shows in place of one


def title_of(node: NodeData) -> str:
    """The node's title, or else the first words of its text."""
    if node.title and node.title.strip():
        return node.title
    words = node.text.split()
    return " ".join(words[:TITLE_WORDS]) + (" \u2026" if len(words) > TITLE_WORDS else "")


def _step_tip(step: RelationData, data: MapData) -> str:
    names = [plain(data.nodes_by_key[p].title or data.nodes_by_key[p].text)[:60]
             for p in step.premises]
    together = " together" if step.is_linked else ""
    return f"{step.kind}: " + " + ".join(names) + together


def caption(data: MapData) -> str:
    doc = data.document
    parts = [doc.title and f"A map of \u201c{doc.title}\u201d", doc.author and f"by {doc.author}",
             doc.outlet, doc.date and doc.date.strftime("%-d %B %Y")]
    return ", ".join(p for p in parts if p).replace(", by", " by")


def graph_label(data: MapData, theme: Theme, layout: Layout) -> str | None:
    """Title, caption and legend, stacked in one table (Graphviz has one graph label)."""
    rows = []
    if layout.title:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{layout.font_size + 7}">'
                    f"<B>{escape(data.title)}</B></FONT></TD></TR>")
        if caption(data):
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{layout.font_size}" '
                        f'COLOR="{theme.muted}">{escape(caption(data))}</FONT></TD></TR>')
    if layout.legend:
        rows.append(f'<TR><TD ALIGN="LEFT">{legend_label(data, theme, layout)}</TD></TR>')
    if not rows:
        return None
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{"".join(rows)}</TABLE>'


def legend_label(data: MapData, theme: Theme, layout: Layout) -> str:
    small = max(layout.font_size - 1, 6)
    cells = []
    if layout.marks:
        cells.append(f'<TD CELLPADDING="4"><FONT POINT-SIZE="{small}">\u2713 stands \u00b7 '
                     f'\u2717 defeated (faded, dashed) \u00b7 ? undecided \u00b7 % strength'
                     "</FONT></TD>")
    for kind, style in theme.nodes.items():
        cells.append(f'<TD BGCOLOR="{style.fill}" BORDER="1" COLOR="{style.border}" '
                     f'CELLPADDING="4"><FONT POINT-SIZE="{small}">{escape(kind)}</FONT></TD>')
    for style in theme.edges.values():
        cells.append(f'<TD CELLPADDING="4"><FONT POINT-SIZE="{small}" COLOR="{style.color}">'
                     f'{escape(style.sample)}</FONT><FONT POINT-SIZE="{small}"> '
                     f'{escape(style.caption)}</FONT></TD>')
    if any(r.is_linked for r in data.relations):
        cells.append(f'<TD CELLPADDING="4"><FONT POINT-SIZE="{small}" COLOR="{theme.text}">'
                     f'\u2014\u25c6\u2014\u25b6</FONT><FONT POINT-SIZE="{small}"> linked '
                     "premises: they meet at \u25c6 and count only together</FONT></TD>")
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4"><TR>{"".join(cells)}</TR>'
            "</TABLE>")


def to_dot(data: MapData, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT, *,
           stubs: tuple[tuple[str, int], ...] = (), focus: str | None = None) -> str:
    graph = graphviz.Digraph(name=graphviz.escape(data.slug))
    graph.attr(rankdir=layout.rankdir, bgcolor=theme.background, fontname=theme.font,
               fontcolor=theme.text, fontsize=str(layout.font_size),
               nodesep=f"{layout.nodesep:.3g}", ranksep=f"{layout.ranksep:.3g}", newrank="true",
               pad="0.3")
    if layout.size:
        # Scaled to fit the slide, up or down; run.fill_page pads it to the slide's shape.
        graph.attr(size=f"{layout.size[0]:.4g},{layout.size[1]:.4g}!", pad="0", margin="0")
    graph.attr("node", fontname=theme.font, fontsize=str(layout.font_size),
               fontcolor=theme.text, margin="0.14,0.08")
    graph.attr("edge", fontname=theme.font, fontsize=str(layout.font_size - 2))
    label = graph_label(data, theme, layout)
    if label:
        graph.attr(label=f"<{label}>", labelloc="t" if layout.title else "b", labeljust="l")
    marks = {k: label for k, label, _s in layout.marks}
    for node in data.nodes:
        style = theme.nodes[node.kind]
        emphasis = 1.8 if node.key == focus else 1.0
        look = {"style": style.style, "fillcolor": style.fill, "fontcolor": theme.text}
        state = marks.get(node.key)
        if state in ("OUT", "WITHDRAWN"):  # faded and dashed: readable without colour
            look = {"style": style.style + ",dashed", "fontcolor": theme.muted,
                    "fillcolor": fade(style.fill, theme.background)}
        elif state == "UNDEC":
            look["style"] = style.style + ",dotted"
        elif state == "IN":
            emphasis *= 1.5
        graph.node(node_id(node.key), label=node_label(node, data, theme, layout),
                   id=node_id(node.key), shape=style.shape, **look, color=style.border,
                   penwidth=f"{style.penwidth * emphasis:g}",
                   peripheries=str(style.peripheries), tooltip=graphviz.escape(plain(node.text)),
                   **({"href": layout.link_prefix + node.key, "target": "_top"}
                      if layout.link_prefix else {}))
    steps = data.steps_by_ref
    undercut = {steps[rel.target].ref for rel in data.relations if rel.is_undercut}
    failing = {ref for ref, label in layout.inference_marks if label == "OUT"}
    for rel in data.relations:
        style = theme.edges[rel.kind]
        attrs = {"color": style.color, "style": style.style, "arrowhead": style.arrowhead,
                 "penwidth": str(style.penwidth)}
        if rel.ref in failing:  # the step does not count: say why, in words
            attrs.update(color=theme.muted, style="dashed", fontcolor=theme.muted)
            if rel.ref in undercut:
                attrs["label"] = "\u2717 does not follow"
            elif rel.is_linked:
                attrs["label"] = "\u2717 a premise falls"
        target = (junction_id(steps[rel.target]) if rel.is_undercut
                  else node_id(rel.target))
        prefix = "u" if rel.is_undercut else "r"
        if rel.is_linked or rel.ref in undercut:
            # One inference point for the step: an edge from each premise into it, one on to
            # the target, and something for an undercut to point at.
            junction = junction_id(rel)
            graph.node(junction, label="", id=junction, shape="diamond", width="0.16",
                       height="0.16", style="filled", fillcolor=attrs["color"],
                       color=attrs["color"], tooltip=graphviz.escape(_step_tip(rel, data)))
            for premise in rel.premises:
                graph.edge(node_id(premise), junction, **{
                    **attrs, "label": "", "arrowhead": "none",
                    "id": edge_id(prefix, premise, junction)})
            graph.edge(junction, target, **attrs, id=edge_id(prefix, junction, target))
        else:
            graph.edge(node_id(rel.premises[0]), target, **attrs,
                       id=edge_id(prefix, rel.premises[0],
                                  target if rel.is_undercut else rel.target))
    for key, count in stubs:
        stub = f"s-{key}"
        graph.node(stub, label=f"+{count} hidden", id=stub, shape="box", style="dashed,rounded",
                   color=theme.muted, fontcolor=theme.muted,
                   tooltip=f"{count} nodes argue about this one; they are hidden here")
        graph.edge(stub, node_id(key), style="dashed", color=theme.muted, arrowhead="none")
    return graph.source
