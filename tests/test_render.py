"""The rendering pipeline, run through the real `dot`."""

import re
import struct
import xml.etree.ElementTree as ET

import pytest

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render import Layout, render, to_dot
from argmap.render.labels import wrap
from argmap.render.theme import LIGHT
from tests.helpers import node, rel, source, tiny_map

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'He said "no" \\ then {braces} <b>bold</b> & more\nsecond line \\n \\N \\l'
KOREAN = "한미상호방위조약 제4조는 상호 합의에 따라 미군 배치를 허용한다"


def svg_root(data, **kw):
    return ET.fromstring(render(data, "svg", **kw))


def node_text(root, key: str) -> str:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"n-{key}")
    return " ".join(" ".join(t.itertext()) for t in group.iter(f"{SVG}text"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed():
    return load_map_file(SEEDS / "treaty-alliance.yaml")


@pytest.fixture(scope="module")
def seed_svg(seed):
    return ET.fromstring(render(seed, "svg"))


def test_every_seed_node_text_appears_in_the_svg(seed, seed_svg):
    for item in seed.nodes:
        shown = squash(node_text(seed_svg, item.key))
        assert squash(item.text) in shown, item.key
        if item.title:
            assert squash(item.title) in shown
        if item.cites:
            assert seed.sources_by_key[item.cites].locator in shown


def test_editor_additions_are_marked_in_the_diagram(seed, seed_svg):
    for item in seed.nodes:
        marked = "EDITOR\u2019S ADDITION" in node_text(seed_svg, item.key)
        assert marked == (item.origin == "editor"), item.key


def test_legend_names_every_kind_and_relation(seed_svg):
    legend = " ".join(t for e in seed_svg.iter(f"{SVG}text") for t in e.itertext())
    for word in ("thesis", "claim", "evidence", "rebuttal", "supports", "attacks", "undercuts"):
        assert word in legend


@pytest.mark.parametrize("text", [NASTY, KOREAN, "<script>alert(1)</script>", "a]b[c;d=e"])
def test_user_text_survives_every_format(text):
    data = tiny_map(node("odd", text=text, title='T "q" <x>'),
                    node("other", text="Plain."), relations=[rel("support", "odd", "other")])
    root = svg_root(data)
    assert squash(text) in squash(node_text(root, "odd"))
    assert 'T "q" <x>' in node_text(root, "odd")
    # No markup from user text leaks into the SVG as elements.
    assert not [e for e in root.iter() if e.tag in ("script", f"{SVG}script", "b", f"{SVG}b")]
    for fmt, magic in (("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")):
        assert render(data, fmt).startswith(magic)


def test_dot_labels_are_html_escaped():
    dot = to_dot(tiny_map(node("odd", text=NASTY)))
    assert "&quot;no&quot;" in dot and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in dot
    assert "{braces}" in dot and "\\\\N" in dot  # a doubled backslash prints as one


def test_hangul_font_is_installed_for_png_and_pdf():
    import subprocess

    fonts = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no font covering Hangul: run make (installs fonts-nanum)"


def test_formats_are_valid(seed):
    root = svg_root(seed)
    assert root.tag == f"{SVG}svg"
    png = render(seed, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 1000 and height > 400
    pdf = render(seed, "pdf")
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    assert render(seed, "dot").decode().startswith("digraph")


def test_kinds_differ_in_shape_and_relations_in_colour_and_line_style(seed):
    dot = to_dot(seed)
    for kind, style in LIGHT.nodes.items():
        assert f'shape={style.shape}' in dot, kind
        assert f'fillcolor="{style.fill}"' in dot, kind
    shapes = {(s.shape, s.style, s.peripheries) for s in LIGHT.nodes.values()}
    assert len(shapes) == len(LIGHT.nodes)  # distinguishable without colour
    edges = LIGHT.edges
    assert len({e.color for e in edges.values()}) == 3
    assert len({e.style for e in edges.values()}) == 3  # readable in grayscale
    assert re.search(r'"n-ed-art6-termination" -> "n-agreed-undone-by-agreement" '
                     r'\[[^]]*style=dashed', dot)


def test_an_undercut_points_at_the_relation_it_attacks():
    data = tiny_map(node("a"), node("b"), node("u", "rebuttal"), node("c"),
                    relations=[rel("support", "a", "b"), rel("undercut", "u", "a -> b"),
                               rel("support", "c", "b")])
    dot = to_dot(data)
    # a -> b is drawn through a junction, and the undercut ends on that junction.
    assert re.search(r'"n-a" -> "j-a--b" \[[^]]*arrowhead=none', dot)
    assert re.search(r'"j-a--b" -> "n-b" \[[^]]*arrowhead=normal', dot)
    assert re.search(r'"n-u" -> "j-a--b" \[[^]]*style=dotted', dot)
    # Relations nobody undercuts stay single edges.
    assert '"n-c" -> "n-b"' in dot and "j-c--b" not in dot
    root = svg_root(data)
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert "n-u->j-a--b" in titles


def test_labels_wrap_without_losing_words():
    text = "The treaty binds both countries to a joint, continuing defense of Korea."
    lines = wrap(text, 20)
    assert len(lines) > 2 and all(len(line) <= 20 for line in lines)
    assert " ".join(lines) == text
    dot = to_dot(tiny_map(node("a", text=text)), layout=Layout(wrap=20))
    assert dot.count('<BR ALIGN="LEFT"/>') >= len(lines)


def test_evidence_shows_its_citation():
    data = tiny_map(node("e", "evidence", cites="src"), sources=[source()])
    shown = node_text(svg_root(data), "e")
    assert "Article IV" in shown and "as determined by mutual agreement" in shown


def test_dot_and_svg_are_deterministic(seed):
    assert to_dot(seed) == to_dot(seed)
    assert render(seed, "svg") == render(seed, "svg")


def test_control_characters_do_not_break_the_svg():
    root = svg_root(tiny_map(node("odd", text="bell\x07 and \x01start")))
    assert "bell and start" in squash(node_text(root, "odd"))
