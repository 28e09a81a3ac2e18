"""No stored text can break a page or a drawing: typed entities, non-characters, control
characters and titles of only spaces go through every view and every export, which stay
valid (issue 14, point 3). The stored text keeps what was typed; drawings leave out only
what SVG cannot carry."""

import json
import xml.etree.ElementTree as ET

import pytest

from argmap.formats import read
from argmap.mapdata import MapData, NodeData, RelationData
from argmap.render import ExportOptions, draw, drawing
from tests.helpers import fork_seed, post, sign_up

MAP = "/maps/seminar"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
TEXTS = [
    "&#x1F600; an entity that Graphviz would decode",
    "&#xD800; half a character, as an entity",
    "&#1; a control character, as an entity",
    "&#xFFFE; a non-character, as an entity",
    "raw non-characters \ufffe and \uffff and \U0010ffff",
    "raw controls: bell \x07, escape \x1b[31m",
    "a line\u2028separator and a \ufdd0 non-character",
]
VIEWS = ["", "?view=outline", "?node=thesis", "?view=text", "/history"]
EXPORTS = ["svg", "png", "pdf", "dot", "deck", "json", "argdown", "aif.json", "ova.json"]


@pytest.fixture
def odd(client):
    sign_up(client, "mallory")
    fork_seed(client)
    for i, text in enumerate(TEXTS):
        reply = post(client, f"{MAP}/nodes/thesis/arguments", {
            "form": "evidence", "text": f"Evidence {i}: {text}", "document": f"Doc {text}",
            "locator": f"p. {i}", "quote": text[:100]})
        assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
    reply = post(client, f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "title": TEXTS[3],
                                                      "text": TEXTS[0]})
    assert reply.status_code == 303
    return client


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text[text.index("<svg"):text.rindex("</svg>") + 6])


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_answers(odd, view):
    reply = odd.get(MAP + view)
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    if view in ("", "?node=thesis"):
        _svg(html)  # the inline diagram is well-formed XML


@pytest.mark.parametrize("fmt", EXPORTS)
def test_every_export_is_valid(odd, fmt):
    reply = odd.get(f"{MAP}/export.{fmt}")
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    body = reply.data
    if fmt == "svg":
        _svg(body.decode("utf-8"))
    elif fmt.endswith("json"):
        json.loads(body)
    elif fmt in ("pdf", "deck"):
        assert body.startswith(b"%PDF-")
    elif fmt == "png":
        assert body.startswith(b"\x89PNG")


def test_a_typed_entity_shows_as_typed_in_the_tooltip(odd):
    root = _svg(odd.get(f"{MAP}/export.svg").get_data(as_text=True))
    tips = {element.get(XLINK_TITLE) for element in root.iter()} - {None}
    # "&#x1F600; ...", not an emoji: a word joiner (U+2060) keeps Graphviz from decoding it
    assert TEXTS[0] in {tip.replace("\u2060", "") for tip in tips}
    assert not any("\ufffe" in tip or "\x07" in tip for tip in tips)


def test_the_stored_text_keeps_what_was_typed(odd):
    exported = json.loads(odd.get(f"{MAP}/export.json").data)
    texts = {node["text"] for node in exported["nodes"]}
    assert f"Evidence 4: {TEXTS[4]}" in texts


def test_a_typed_entity_shows_as_typed_in_the_labels(odd):
    root = _svg(odd.get(f"{MAP}/export.svg").get_data(as_text=True))
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "&#1;" in texts.replace("\u2060", "")


def test_titles_of_only_spaces_and_odd_texts_draw():
    nodes = (NodeData(key="t", kind="thesis", text="A thesis \ufffe", title="   "),
             NodeData(key="c", kind="claim", text=" ", title="\uffff"))
    data = MapData(slug="odd", title="  ", nodes=nodes,
                   relations=(RelationData(kind="support", premises=("c",), target="t"),))
    for fmt in ("svg", "png"):
        out = draw(drawing(data, ExportOptions(), fmt, node_limit=100), timeout=30)
        assert out.startswith(b"<?xml" if fmt == "svg" else b"\x89PNG")
    _svg(draw(drawing(data, ExportOptions(), "svg", node_limit=100), timeout=30).decode())


def test_json_with_half_a_character_is_refused_with_its_line():
    text = '{"format": "argmap", "version": 2,\n "title": "x\\ud800y", "nodes": []}'
    with pytest.raises(Exception, match=r"odd\.json:2: contains a lone surrogate"):
        read(text.encode(), "odd.json", "json")
