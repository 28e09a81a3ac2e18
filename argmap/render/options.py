"""Export options: one definition shared by the Export dialog, the export URL's query string
and `argmap export`, so the three have the same names, values and defaults.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from argmap.errors import InvalidInput

# deck: a PDF of slides, one a page; pptx: the same slides as a PowerPoint file
FORMATS = ("svg", "png", "pdf", "dot", "deck", "pptx")
THEME_NAMES = ("light", "dark", "print", "high-contrast", "colour-blind-safe")
# How the map reads from its thesis: top-down puts the thesis on top and reasons below it.
DIRECTIONS = {"top-down": "BT", "bottom-up": "TB", "left-right": "RL"}
FITS = {"none": None, "16:9": (13.333, 7.5), "4:3": (10.0, 7.5)}  # slide sizes in inches
AROUND = ("subtree", "neighbourhood")
KINDS = ("thesis", "claim", "evidence", "rebuttal")
# How much of each node a box prints: everything, its kind and title, or its title alone with
# the evaluation mark (for overviews). A node without a title shows its first words.
LABELS = ("full", "titles", "compact")
PNG_DPI = 96  # scale 1


@dataclass(frozen=True)
class ExportOptions:
    theme: str = "light"
    direction: str = "top-down"
    wrap: int = 36  # characters per label line
    font_size: int = 11  # points
    spacing: float = 1.0  # multiplies the space between nodes and between ranks
    fit: str = "none"  # none, 16:9 or 4:3
    scale: float = 1.0  # PNG only: 2 doubles the pixel size
    dpi: int | None = None  # PNG only: overrides scale
    focus: str | None = None  # a node key: draw only around it
    depth: int = 2  # with focus: how many relations away
    around: str = "subtree"  # with focus: what argues about it, or all its neighbours
    hide: tuple[str, ...] = ()  # node kinds to leave out
    collapse: tuple[str, ...] = ()  # node keys whose arguments become one "+N hidden" box
    legend: bool = True
    title: bool = False  # the map's title and source above the diagram
    evaluation: bool = False  # mark what stands, what is defeated, and strengths
    labels: str = "full"  # full, titles or compact (see LABELS)
    reveal: bool = False  # decks: each slide repeated step by step, adding one part a step

    @property
    def png_dpi(self) -> int:
        return self.dpi or round(PNG_DPI * self.scale)

    def query(self) -> dict[str, str]:
        """The options that differ from the defaults, as query/CLI values, in a fixed order."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != f.default:
                values[f.name.replace("_", "-")] = _text(value)
        return values

    def file_stem(self, slug: str) -> str:
        """A file name from the map slug and the options, e.g. seed.print.fit-16x9."""
        parts = [slug]
        for name, value in self.query().items():
            value = value.replace(":", "x").replace(",", "+")
            parts.append(value if name in ("theme", "direction") else f"{name}-{value}")
        return ".".join(parts)


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _choice(name, value, allowed):
    if value not in allowed:
        raise InvalidInput(f"{name}: unknown value {value!r} (expected one of "
                           f"{', '.join(allowed)})", field=name)
    return value


def _number(name, value, kind, low, high):
    try:
        number = kind(value)
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a number", field=name) from None
    if not low <= number <= high:
        raise InvalidInput(f"{name}: must be between {low:g} and {high:g}", field=name)
    return number


def _flag(name, value):
    lowered = value.lower()
    if lowered in ("yes", "on", "true", "1"):
        return True
    if lowered in ("no", "off", "false", "0"):
        return False
    raise InvalidInput(f"{name}: expected yes or no, not {value!r}", field=name)


def _list(value) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else value.split(",")
    return tuple(sorted({item.strip() for item in items if item.strip()}))


PARSERS = {
    "theme": lambda v: _choice("theme", v, THEME_NAMES),
    "direction": lambda v: _choice("direction", v, tuple(DIRECTIONS)),
    "wrap": lambda v: _number("wrap", v, int, 12, 120),
    "font-size": lambda v: _number("font-size", v, int, 6, 36),
    "spacing": lambda v: _number("spacing", v, float, 0.3, 4),
    "fit": lambda v: _choice("fit", v, tuple(FITS)),
    "scale": lambda v: _number("scale", v, float, 0.25, 8),
    "dpi": lambda v: _number("dpi", v, int, 36, 600),
    "focus": lambda v: v.strip() or None,
    "depth": lambda v: _number("depth", v, int, 1, 50),
    "around": lambda v: _choice("around", v, AROUND),
    "hide": lambda v: tuple(_choice("hide", k, KINDS) for k in _list(v)),
    "collapse": _list,
    "legend": lambda v: _flag("legend", v),
    "title": lambda v: _flag("title", v),
    "evaluation": lambda v: _flag("evaluation", v),
    "labels": lambda v: _choice("labels", v, LABELS),
    "reveal": lambda v: _flag("reveal", v),
}
NAMES = tuple(PARSERS)
OPTION_HELP = {
    "theme": "light (default), dark, print, high-contrast or colour-blind-safe.",
    "direction": "top-down (thesis on top, default), bottom-up or left-right.",
    "wrap": "Label width in characters (default 36).",
    "font-size": "Font size in points (default 11).",
    "spacing": "Space between nodes, as a factor (default 1).",
    "fit": "none (default), 16:9 or 4:3: exactly one slide.",
    "scale": "PNG only: pixel scale (default 1 = 96 DPI).",
    "dpi": "PNG only: dots per inch; overrides --scale.",
    "focus": "A node key: draw only around this node.",
    "depth": "With --focus: how many relations away (default 2).",
    "around": "With --focus: subtree (what argues about it, default) or neighbourhood.",
    "hide": "Kinds to leave out, comma-separated (e.g. evidence).",
    "collapse": "Node keys whose arguments become one '+N hidden' box, comma-separated.",
    "legend": "yes (default) or no.",
    "title": "yes or no (default): the map's title and source above the diagram.",
    "evaluation": "yes or no (default): mark each node stands / defeated / undecided, with "
                  "its strength.",
    "labels": "full (default: every node's whole text), titles (its kind and title) or "
              "compact (its title and evaluation mark).",
    "reveal": "Decks (deck, pptx): yes repeats each slide step by step, each step adding "
              "the next reason or objection, every box staying in its place.",
}


def parse_options(values: Mapping[str, object], *, ignore: tuple[str, ...] = ()
                  ) -> ExportOptions:
    """Options from a query string or the CLI; unknown names and bad values are errors.

    A list value (a repeated query parameter, say) is read as a comma-separated list.
    """
    parsed = {}
    for name, raw in values.items():
        if name in ignore:
            continue
        if name not in PARSERS:
            raise InvalidInput(f"unknown export option {name!r} (expected one of "
                               f"{', '.join(NAMES)})", field=name)
        if raw is None or raw == "" or raw == []:
            continue
        if isinstance(raw, list | tuple) and name not in ("hide", "collapse"):
            raw = raw[-1]
        parsed[name.replace("-", "_")] = PARSERS[name](raw)
    return replace(ExportOptions(), **parsed)
