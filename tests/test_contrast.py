"""Colour contrast of the page's text meets WCAG AA (4.5:1), read from the real stylesheet and
the diagram theme that pages share."""

import re

import pytest

from argmap.paths import STATIC
from argmap.render.theme import LIGHT

CSS = (STATIC / "app.css").read_text()
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.split("}")[0]))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, share: float) -> str:
    """CSS color-mix(in srgb, a share, b)."""
    parts = [round(int(a[i:i + 2], 16) * share + int(b[i:i + 2], 16) * (1 - share))
             for i in (1, 3, 5)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def pairs():
    v = VARS
    yield "text", v["fg"], v["bg"]
    for name in ("muted", "accent", "danger", "ok", "fg"):
        yield f"{name} on page", v[name], v["bg"]
        yield f"{name} on panel", v[name], v["panel"]
    yield "button text", "#ffffff", v["accent"]
    yield "delete button", "#ffffff", v["danger"]
    yield "passage mark", v["fg"], "#fff1a8"
    for kind, style in LIGHT.nodes.items():
        yield f"{kind} tag", v["fg"], style.fill
        for rel, edge in LIGHT.edges.items():
            # Outline items: the kind's fill mixed with white, the relation's colour as text.
            yield f"{rel} label on {kind}", edge.color, mix(style.fill, "#ffffff", 0.55)
    yield "diagram captions", LIGHT.muted, LIGHT.background


@pytest.mark.parametrize("name, fg, bg", list(pairs()), ids=[p[0] for p in pairs()])
def test_text_contrast_meets_wcag_aa(name, fg, bg):
    assert contrast(fg, bg) >= 4.5, f"{name}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def test_the_stylesheet_variables_were_read():
    assert {"fg", "bg", "muted", "accent", "danger", "ok", "panel"} <= VARS.keys()
