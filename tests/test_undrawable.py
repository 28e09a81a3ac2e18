"""No stored text can break a page or a drawing: typed entities, non-characters, control
characters and titles of only spaces (issue 14, point 3; that every view and export stays
valid is the payload table in test_hardening.py). The stored text keeps what was typed;
drawings leave out only what SVG cannot carry."""

import json
import xml.etree.ElementTree as ET

import pytest

from argmap.formats import read
from argmap.mapdata import MapData, NodeData, RelationData
from argmap.render import ExportOptions, draw, drawing
from tests.helpers import UNDRAWABLE, fork_seed, post, sign_up

MAP = "/maps/seminar"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


@pytest.fixture
def odd(client):
    sign_up(client, "mallory")
    fork_seed(client)
    for i, text in enumerate(UNDRAWABLE):
        reply = post(client, f"{MAP}/nodes/thesis/arguments", {
            "form": "evidence", "text": f"Evidence {i}: {text}", "document": f"Doc {text}",
            "locator": f"p. {i}", "quote": text[:100]})
        assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
    reply = post(client, f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "title": UNDRAWABLE[3],
                                                      "text": UNDRAWABLE[0]})
    assert reply.status_code == 303
    return client


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text[text.index("<svg"):text.rindex("</svg>") + 6])


def test_a_typed_entity_shows_as_typed_in_the_tooltip(odd):
    root = _svg(odd.get(f"{MAP}/export.svg").get_data(as_text=True))
    tips = {element.get(XLINK_TITLE) for element in root.iter()} - {None}
    # "&#x1F600; ...", not an emoji: a word joiner (U+2060) keeps Graphviz from decoding it
    assert UNDRAWABLE[0] in {tip.replace("\u2060", "") for tip in tips}
    assert not any("\ufffe" in tip or "\x07" in tip for tip in tips)


def test_the_stored_text_keeps_what_was_typed(odd):
    exported = json.loads(odd.get(f"{MAP}/export.json").data)
    texts = {node["text"] for node in exported["nodes"]}
    assert f"Evidence 4: {UNDRAWABLE[4]}" in texts


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
