"""Styling stage: how each node kind and relation kind looks.

Kinds differ in shape, fill and the caption printed in each box; relations differ in colour,
line style and arrowhead, so a diagram stays readable in grayscale.
"""

from dataclasses import dataclass, field

# Latin first, then families that cover Hangul and other scripts; Pango (PNG, PDF) and
# browsers (SVG) fall back through the list.
FONT = "DejaVu Sans, Noto Sans, NanumGothic, Noto Sans CJK KR, sans-serif"


@dataclass(frozen=True)
class NodeStyle:
    caption: str
    shape: str
    style: str
    fill: str
    border: str
    penwidth: float = 1.2
    peripheries: int = 1


@dataclass(frozen=True)
class EdgeStyle:
    caption: str
    color: str
    style: str
    arrowhead: str
    penwidth: float = 1.6
    sample: str = ""  # how the legend draws the line in text


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    nodes: dict[str, NodeStyle] = field(default_factory=dict)
    edges: dict[str, EdgeStyle] = field(default_factory=dict)
    junction: str = "#286d2c"
    font: str = FONT


LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1a1a1a",
    muted="#5f6368",
    nodes={
        "thesis": NodeStyle("THESIS", "box", "rounded,filled,bold", "#d6e6f7", "#1f4e79",
                            penwidth=2.0, peripheries=2),
        "claim": NodeStyle("CLAIM", "box", "rounded,filled", "#f1f4f8", "#44546a"),
        "evidence": NodeStyle("EVIDENCE", "note", "filled", "#fff4cc", "#9a7b00"),
        "rebuttal": NodeStyle("REBUTTAL", "box", "filled,diagonals", "#fde4e1", "#a3312a"),
    },
    edges={
        "support": EdgeStyle("supports", "#286d2c", "solid", "normal",
                             sample="\u2014\u2014\u2014\u25b6"),
        "attack": EdgeStyle("attacks", "#c62828", "dashed", "tee",
                            sample="\u2013 \u2013 \u2013\u22a3"),
        "undercut": EdgeStyle("undercuts (this does not follow)", "#6a1b9a", "dotted", "tee",
                              penwidth=2.0, sample="\u00b7 \u00b7 \u00b7 \u00b7\u22a3"),
    },
)

THEMES = {LIGHT.name: LIGHT}
