"""DOT stage: MapData + theme + layout options -> DOT source (a pure function)."""

from dataclasses import dataclass

import graphviz

from argmap.mapdata import MapData, NodeData, RelationData
from argmap.render.fold import Fold, fold
from argmap.render.labels import Row, plain, row_cell, table, wrap
from argmap.render.legend import graph_label
from argmap.render.legibility import Printed
from argmap.render.measure import LEADING, POINT, box_size
from argmap.render.theme import LIGHT, OPPOSING_WORDS, ORIGIN_CAPTIONS, Theme


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
    stub_prefix: str | None = None  # "+N hidden" boxes link to prefix + key (to expand it)
    aspect: float | None = None  # fold wide trees toward this width / height (fold.py)
    legend_width: float = 7.0  # inches: the legend wraps no narrower than this
    stubs_inside: bool = False  # a stub's text as a last line of its node, not a box below


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


def node_rows(node: NodeData, data: MapData, theme: Theme, layout: Layout) -> list[Row]:
    """What the node's box prints, cell by cell, at the layout's level of detail."""
    style = theme.nodes[node.kind]
    # An opposing position says so first, on a band of its own; the origin follows the kind.
    words = [OPPOSING_WORDS.upper()] if node.opposing else []
    words += [style.caption, *([ORIGIN_CAPTIONS[node.origin]]
                               if node.origin in ORIGIN_CAPTIONS else [])]
    caption = " \u00b7 ".join(words)
    band: dict[str, str] = ({"band": theme.band, "color": theme.band_text} if node.opposing
                            else {})
    reconstructed = node.origin == "reconstruction"  # its words are the editors', in italics
    mark = dict((k, (label, strength)) for k, label, strength in layout.marks).get(node.key)
    captions: tuple[str, ...] = (caption,)
    if mark:
        label, strength = mark
        verdict = f"{MARKS[label]} {WORDS[label].upper()}" + (
            f" \u00b7 STRENGTH {strength:.0%}" if label != "WITHDRAWN" else "")
        joined = f"{verdict} \u00b7 {caption}"
        # The verdict and the kind share a line while it is no wider than the text.
        captions = (joined,) if len(joined) <= layout.wrap else (verdict, caption)
    size, small = layout.font_size, max(layout.font_size - 2, 6)
    titled = bool(node.title and node.title.strip())
    if layout.labels == "compact":  # the kind shows in the box's shape and colour
        sign = f"{MARKS[mark[0]]} " if mark else ""
        # No caption row here: an opposing position's title itself sits on the band.
        return [Row(tuple(wrap(sign + title_of(node), layout.wrap)), size, bold=True,
                    italic=reconstructed, color=band.get("color"), band=band.get("band"))]
    rows = [Row(captions, small, color=band.get("color", theme.muted), band=band.get("band"))]
    if layout.labels == "titles":
        return [*rows, Row(tuple(wrap(title_of(node), layout.wrap)), size, bold=titled,
                           italic=reconstructed)]
    if titled:
        rows.append(Row(tuple(wrap(node.title or "", layout.wrap)), size, bold=True,
                        italic=reconstructed))
    rows.append(Row(tuple(wrap(node.text, layout.wrap)), size, italic=reconstructed))
    if node.cites:
        citation = data.sources_by_key[node.cites].citation()
        rows.append(Row(tuple(wrap(f"\u2014 {citation}", layout.wrap + 4)), small,
                        color=theme.muted, italic=True))
    return rows


def printed(layout: Layout) -> Printed:
    """The smallest sizes this layout prints: captions, citations and edge labels are two
    points under the node text (the legend one point)."""
    return Printed(text=max(layout.font_size - 2, 6), node_text=layout.font_size)


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


def to_dot(data: MapData, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT, *,
           stubs: tuple[tuple[str, str], ...] = (), focus: str | None = None,
           hidden: frozenset[str] = frozenset()) -> str:
    return planned(data, theme, layout, stubs=stubs, focus=focus, hidden=hidden)[0]


def planned(data: MapData, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT, *,
            stubs: tuple[tuple[str, str], ...] = (), focus: str | None = None,
            hidden: frozenset[str] = frozenset()) -> tuple[str, Fold]:
    """The DOT source, and the fold it was laid out with (its estimated size too).

    `stubs` are (node key, text) boxes hanging under nodes ("+3 hidden"). The `hidden`
    nodes, and what touches them, are laid out but not drawn: a build-up step that keeps
    every node where the whole view puts it.
    """
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
    boxes: dict[str, tuple[float, float]] = {}
    inside = dict(stubs) if layout.stubs_inside else {}
    stubs = () if layout.stubs_inside else stubs
    scratch = graphviz.Digraph()  # node statements, placed in the graph once folded
    statements: dict[str, str] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
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
        rows = node_rows(node, data, theme, layout)
        if node.key in inside:
            rows.append(Row((inside[node.key],), max(layout.font_size - 2, 6),
                            color=theme.muted, italic=True))
        boxes[node_id(node.key)] = box_size(rows)
        _add(scratch, statements, node_id(node.key),
                   label=table([row_cell(row, default_size=layout.font_size) for row in rows]),
                   id=node_id(node.key), shape=style.shape, **look, color=style.border,
                   **{"class": node.kind},
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
            boxes[junction] = (0.16, 0.4)  # a rank of its own: as tall as dot makes it
            _add(scratch, statements, junction, label="", id=junction, shape="diamond",
                 width="0.16",
                       height="0.16", style="filled", fillcolor=attrs["color"],
                       color=attrs["color"], tooltip=graphviz.escape(_step_tip(rel, data)))
            for premise in rel.premises:
                edges.append((node_id(premise), junction, {
                    **attrs, "label": "", "arrowhead": "none",
                    "id": edge_id(prefix, premise, junction)}))
            edges.append((junction, target, {**attrs, "id": edge_id(prefix, junction, target)}))
        else:
            edges.append((node_id(rel.premises[0]), target, {
                **attrs, "id": edge_id(prefix, rel.premises[0],
                                       target if rel.is_undercut else rel.target)}))
    for key, text in stubs:
        stub = f"s-{key}"
        boxes[stub] = box_size([Row((text,), layout.font_size)])
        _add(scratch, statements, stub, label=graphviz.escape(plain(text)), id=stub,
             shape="box", style="dashed,rounded", color=theme.muted, fontcolor=theme.muted,
             tooltip=graphviz.escape(plain(text)),
             **({"href": layout.stub_prefix + key, "target": "_top", "class": "stub"}
                if layout.stub_prefix else {}))
        edges.append((stub, node_id(key), {"style": "dashed", "color": theme.muted,
                                           "arrowhead": "none"}))
    if hidden:
        _hide(statements, edges, {node_id(k) for k in hidden} | {f"s-{k}" for k in hidden})
    plan = _fold(data, theme, layout, boxes, edges)
    label, _size = _label(data, theme, layout, plan.width)
    if label:
        graph.attr(label=f"<{label}>", labelloc="t" if layout.title else "b", labeljust="l")
    _place(graph, plan, statements)
    for index, (tail, head, attrs) in enumerate(edges):
        longer = plan.minlen.get(index)
        graph.edge(tail, head, **attrs, **_stretched(longer))
    for tail, head, distance in plan.ties:
        graph.edge(tail, head, style="invis", arrowhead="none", minlen=str(distance))
    return graph.source, plan


def _hide(statements: dict[str, str], edges: list[tuple[str, str, dict[str, str]]],
          hidden: set[str]) -> None:
    """Make the hidden vertices, and every edge and junction that touches one, invisible."""
    for tail, head, _ in edges:  # a junction shows only with all of its step
        if tail in hidden and head.startswith("j-"):
            hidden.add(head)
    for index, (tail, head, attrs) in enumerate(edges):
        if tail in hidden or head in hidden:
            edges[index] = (tail, head, {**attrs, "style": "invis"})
    for vertex in hidden & set(statements):
        line = statements[vertex].rstrip().removesuffix("]")
        statements[vertex] = line + " style=invis]\n"


def _add(scratch: graphviz.Digraph, statements: dict[str, str], name: str, **attrs) -> None:
    scratch.node(name, **attrs)
    statements[name] = scratch.body[-1]


def _place(graph: graphviz.Digraph, plan: Fold, statements: dict[str, str]) -> None:
    """The node statements in tree order, each folded subtree in a borderless cluster so
    that `dot` keeps it together instead of interleaving it with its neighbours."""
    placed = set(statements)
    roots = [v for v in statements if not any(v in kids for kids in plan.children.values())]
    todo: list[tuple[str, bool]] = [(v, False) for v in reversed(roots)]
    while todo:
        vertex, closing = todo.pop()
        if closing:
            graph.body.append("\t}\n")
            continue
        if vertex in plan.blocks:
            graph.body.append(f"\tsubgraph {graphviz.quoting.quote('cluster-' + vertex)} {{\n"
                              "\t\tperipheries=0 label=\"\" margin=2\n")
            todo.append((vertex, True))
        if vertex in placed:
            graph.body.append(statements[vertex])
            placed.discard(vertex)
        todo.extend((child, False) for child in reversed(plan.children.get(vertex, [])))


def _stretched(minlen: int | None) -> dict[str, str]:
    """A folded edge's length; it doesn't pull its subtree under its head, or `dot` would
    keep it straight and set the subtree beside the rows above instead of below them."""
    if not minlen:
        return {}
    return {"minlen": str(minlen), "weight": "0"}




def _label(data: MapData, theme: Theme, layout: Layout, width: float):
    return graph_label(data, theme, font_size=layout.font_size, title=layout.title,
                       legend=layout.legend, evaluated=bool(layout.marks),
                       width=max(width, layout.legend_width))


def _fold(data: MapData, theme: Theme, layout: Layout, boxes: dict[str, tuple[float, float]],
          edges: list[tuple[str, str, dict[str, str]]]) -> Fold:
    """Fold toward the layout's aspect, counting the legend as wrapped to its narrowest."""
    frame = _label(data, theme, layout, layout.legend_width)[1]
    ranksep = layout.ranksep
    if any(attrs.get("label") for _, _, attrs in edges):
        # an edge label widens the gap between ranks by about its own height
        ranksep += (layout.font_size - 2) * LEADING * POINT
    return fold(boxes, [(tail, head) for tail, head, _ in edges], aspect=layout.aspect,
                nodesep=layout.nodesep, ranksep=ranksep, frame=frame,
                across=layout.rankdir in ("LR", "RL"),
                tops=frozenset(node_id(n.key) for n in data.nodes if n.kind == "thesis"))
