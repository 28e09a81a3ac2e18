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
    font: str = FONT
    # The band across the top of an opposing position's box, whatever its kind.
    band: str = "#3c4043"
    band_text: str = "#ffffff"


# Where a node's words come from and whose side it is on, as every view names them.
ORIGIN_WORDS = {"editor": "editor\u2019s addition", "reconstruction": "reconstructed premise"}
# A box's caption says it shorter, so that "CLAIM · ..." stays on one line.
ORIGIN_CAPTIONS = {"editor": "EDITOR\u2019S ADDITION", "reconstruction": "RECONSTRUCTED"}
OPPOSING_WORDS = "opposing position"


def markers(*, origin: str, opposing: bool) -> list[tuple[str, str]]:
    """(CSS class, words) for what sets a node apart besides its kind."""
    found = [("opposing", OPPOSING_WORDS)] if opposing else []
    if origin in ORIGIN_WORDS:
        found.append((f"origin-{origin}", ORIGIN_WORDS[origin]))
    return found


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

DARK = Theme(
    name="dark",
    background="#1e1f22",
    text="#e8eaed",
    muted="#b0b5bc",
    band="#e8eaed",
    band_text="#1e1f22",
    nodes={
        "thesis": NodeStyle("THESIS", "box", "rounded,filled,bold", "#1f3a5a", "#8ab4f8",
                            penwidth=2.0, peripheries=2),
        "claim": NodeStyle("CLAIM", "box", "rounded,filled", "#2b2f36", "#9aa0a6"),
        "evidence": NodeStyle("EVIDENCE", "note", "filled", "#3a3314", "#e3c767"),
        "rebuttal": NodeStyle("REBUTTAL", "box", "filled,diagonals", "#47201e", "#f28b82"),
    },
    edges={
        "support": EdgeStyle("supports", "#81c995", "solid", "normal",
                             sample="\u2014\u2014\u2014\u25b6"),
        "attack": EdgeStyle("attacks", "#f28b82", "dashed", "tee",
                            sample="\u2013 \u2013 \u2013\u22a3"),
        "undercut": EdgeStyle("undercuts (this does not follow)", "#c58af9", "dotted", "tee",
                              penwidth=2.0, sample="\u00b7 \u00b7 \u00b7 \u00b7\u22a3"),
    },
)

# For laser printers and photocopies: no saturated fills, black lines told apart by style.
PRINT = Theme(
    name="print",
    background="#ffffff",
    text="#000000",
    muted="#404040",
    band="#000000",
    nodes={
        "thesis": NodeStyle("THESIS", "box", "rounded,filled,bold", "#e6e6e6", "#000000",
                            penwidth=2.4, peripheries=2),
        "claim": NodeStyle("CLAIM", "box", "rounded,filled", "#ffffff", "#000000"),
        "evidence": NodeStyle("EVIDENCE", "note", "filled", "#f2f2f2", "#000000"),
        "rebuttal": NodeStyle("REBUTTAL", "box", "filled,diagonals", "#ffffff", "#000000",
                              penwidth=1.6),
    },
    edges={
        "support": EdgeStyle("supports", "#000000", "solid", "normal",
                             sample="\u2014\u2014\u2014\u25b6"),
        "attack": EdgeStyle("attacks", "#000000", "dashed", "tee",
                            sample="\u2013 \u2013 \u2013\u22a3"),
        "undercut": EdgeStyle("undercuts (this does not follow)", "#000000", "dotted", "tee",
                              penwidth=2.4, sample="\u00b7 \u00b7 \u00b7 \u00b7\u22a3"),
    },
)

HIGH_CONTRAST = Theme(
    name="high-contrast",
    background="#ffffff",
    text="#000000",
    muted="#000000",
    band="#000000",
    nodes={
        "thesis": NodeStyle("THESIS", "box", "rounded,filled,bold", "#ffffff", "#000000",
                            penwidth=3.5, peripheries=2),
        "claim": NodeStyle("CLAIM", "box", "rounded,filled", "#ffffff", "#000000",
                           penwidth=2.5),
        "evidence": NodeStyle("EVIDENCE", "note", "filled", "#ffff66", "#000000",
                              penwidth=2.5),
        "rebuttal": NodeStyle("REBUTTAL", "box", "filled,diagonals", "#ffffff", "#000000",
                              penwidth=3.0),
    },
    edges={
        "support": EdgeStyle("supports", "#005a00", "solid", "normal", penwidth=3.0,
                             sample="\u2014\u2014\u2014\u25b6"),
        "attack": EdgeStyle("attacks", "#b00000", "dashed", "tee", penwidth=3.0,
                            sample="\u2013 \u2013 \u2013\u22a3"),
        "undercut": EdgeStyle("undercuts (this does not follow)", "#3d006e", "dotted", "tee",
                              penwidth=3.5, sample="\u00b7 \u00b7 \u00b7 \u00b7\u22a3"),
    },
)

# Okabe-Ito colours, which stay apart under the common colour-vision deficiencies.
COLOUR_BLIND_SAFE = Theme(
    name="colour-blind-safe",
    background="#ffffff",
    text="#1a1a1a",
    muted="#555555",
    nodes={
        "thesis": NodeStyle("THESIS", "box", "rounded,filled,bold", "#cfe3f3", "#0072b2",
                            penwidth=2.0, peripheries=2),
        "claim": NodeStyle("CLAIM", "box", "rounded,filled", "#f2f2f2", "#555555"),
        "evidence": NodeStyle("EVIDENCE", "note", "filled", "#fbe9c4", "#a36f00"),
        "rebuttal": NodeStyle("REBUTTAL", "box", "filled,diagonals", "#f6ddcc", "#d55e00"),
    },
    edges={
        "support": EdgeStyle("supports", "#0072b2", "solid", "normal",
                             sample="\u2014\u2014\u2014\u25b6"),
        "attack": EdgeStyle("attacks", "#d55e00", "dashed", "tee",
                            sample="\u2013 \u2013 \u2013\u22a3"),
        "undercut": EdgeStyle("undercuts (this does not follow)", "#cc79a7", "dotted", "tee",
                              penwidth=2.0, sample="\u00b7 \u00b7 \u00b7 \u00b7\u22a3"),
    },
)

THEMES = {t.name: t for t in (LIGHT, DARK, PRINT, HIGH_CONTRAST, COLOUR_BLIND_SAFE)}
