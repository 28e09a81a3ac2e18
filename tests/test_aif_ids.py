"""AIF as arg-tech's tools write it: OVA3 and AIFdb node ids of any shape (OVA3's
"4_1731586..." texts, numbers, ids with other characters) become valid, unique argmap keys,
the same on every import, with one warning naming how many were renamed; dialogue nodes
(L, YA, TA, MA) are skipped with a count. And what argmap carries in its own "argmap"
extension of each I-node (titles, authors, origins, passages) comes back."""

import io
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from argmap.errors import MapFileError
from argmap.formats import read, write
from argmap.models import SLUG_PATTERN
from tests.helpers import node, post, rel, sign_up, source, tiny_map

FIXTURE = Path(__file__).parent / "fixtures" / "ova3-underscore-ids.json"


def graph_counts(graph: dict) -> Counter:
    """What the AIF graph says, counted from its nodes and edges: I-nodes, RA -> I (supports),
    CA -> I (attacks) and CA -> RA (undercuts)."""
    types = {str(n["nodeID"]): n["type"] for n in graph["nodes"]}
    counts = Counter(statements=sum(1 for t in types.values() if t == "I"))
    for edge in graph["edges"]:
        pair = (types[str(edge["fromID"])], types[str(edge["toID"])])
        counts.update({("RA", "I"): ["supports"], ("CA", "I"): ["attacks"],
                       ("CA", "RA"): ["undercuts"]}.get(pair, []))
    return counts


def imported_counts(data) -> Counter:
    kinds = Counter(r.kind for r in data.relations)
    return Counter(statements=len(data.nodes), supports=kinds["support"],
                   attacks=kinds["attack"], undercuts=kinds["undercut"])


def test_ova3_ids_with_underscores_are_imported():
    raw = FIXTURE.read_bytes()
    fmt, imported = read(raw, "ova3.json")
    assert fmt == "aif"
    graph = json.loads(raw)["AIF"]
    expected = graph_counts(graph)
    assert expected == {"statements": 6, "supports": 2, "attacks": 2, "undercuts": 1}
    assert imported_counts(imported.data) == expected
    keys = [n.key for n in imported.data.nodes]
    assert all(re.match(SLUG_PATTERN, k) for k in keys) and len(set(keys)) == len(keys)
    by_text = {n.text: n for n in imported.data.nodes}
    assert by_text["Tariffs and troops should be negotiated together."].key == "i4-1731586000001"
    assert by_text["One package gives more leverage."].key == "i17"  # a valid key: kept
    assert by_text["Leverage invites retaliation."].key == "iova-4-lev-18"
    # the undercut is aimed at the support from the RA it attacks in the file
    (undercut,) = [r for r in imported.data.relations if r.is_undercut]
    assert undercut.target == "i4-1731586000002 -> i4-1731586000001"
    # Only inferences and conflicts decide kinds, not the YA that ties a statement to its
    # locution or the MA of a rephrase.
    assert by_text["Tariffs and troops should be negotiated together."].kind == "thesis"
    assert by_text["Both are about the alliance's costs."].kind == "claim"
    renamed = [w for w in imported.warnings if "renamed" in w]
    assert renamed == ["ova3.json: the ids of 5 statements could not be kept as argmap keys "
                       "(lowercase letters, digits and single hyphens) and were renamed, "
                       "e.g. 4_1731586000001 -> i4-1731586000001"]
    skipped = [w for w in imported.warnings if "skipped" in w]
    assert skipped == ["ova3.json: 7 nodes of type L, MA, TA, YA were skipped (argmap keeps "
                       "statements, inferences and conflicts only)"]
    assert len(imported.warnings) == 2


def test_the_same_file_gives_the_same_keys_every_time():
    raw = FIXTURE.read_bytes()
    first, second = (read(raw, "ova3.json")[1].data for _ in range(2))
    assert first == second
    # The bare AIF inside the OVA3 wrapper reads the same as the wrapped file.
    bare = json.dumps(json.loads(raw)["AIF"]).encode()
    assert read(bare, "aifdb.json")[1].data == first


def test_ids_that_clash_once_renamed_are_made_unique():
    ids = ["a_1", "a-1", "A.1", "a__1", 7, "8.0", "_", "x" * 120, "x" * 121]
    nodes = [{"nodeID": i, "type": "I", "text": f"Statement {n}."} for n, i in enumerate(ids)]
    raw = json.dumps({"nodes": nodes, "edges": []}).encode()
    _fmt, imported = read(raw, "clash.json")
    keys = [n.key for n in imported.data.nodes]
    # valid keys first ("ia-1", "i7"), then the renamed ones in file order
    assert keys[:8] == ["ia-1-2", "ia-1", "ia-1-3", "ia-1-4", "i7", "i8-0", "i", "i" + "x" * 71]
    assert keys[8] == "i" + "x" * 71 + "-2"
    assert all(re.match(SLUG_PATTERN, k) and len(k) <= 80 for k in keys)
    assert len(set(keys)) == len(keys)
    assert read(raw, "clash.json")[1].data == imported.data
    (warning,) = imported.warnings
    assert "the ids of 7 statements" in warning and "e.g. a_1 -> ia-1-2" in warning


def test_numbers_and_texts_name_the_same_node():
    raw = json.dumps({"nodes": [{"nodeID": 1, "type": "I", "text": "Premise."},
                                {"nodeID": "2", "type": "RA", "text": "Default Inference"},
                                {"nodeID": 3.0, "type": "I", "text": "Conclusion."}],
                      "edges": [{"edgeID": "1", "fromID": "1", "toID": 2},
                                {"edgeID": "2", "fromID": 2, "toID": "3"}]}).encode()
    _fmt, imported = read(raw, "aifdb.json")
    assert [(r.kind, r.premises, r.target) for r in imported.data.relations] == [
        ("support", ("i1",), "i3")]
    assert imported.warnings == []  # i1 and i3 are valid keys: nothing renamed


@pytest.mark.parametrize("node_id", [None, [1], {"id": 1}, True])
def test_a_node_id_must_be_a_text_or_a_number(node_id):
    raw = json.dumps({"nodes": [{"nodeID": node_id, "type": "I", "text": "x"}],
                      "edges": []}).encode()
    with pytest.raises(MapFileError, match=r"\$\.nodes\[0\]\.nodeID: expected a text or a "
                                           "number"):
        read(raw, "bad.json", "aif")


def test_the_web_import_page_names_the_renamed_ids(client):
    sign_up(client, "ovauser")
    reply = post(client, "/maps/import", {"file": (io.BytesIO(FIXTURE.read_bytes()),
                                                   "ova3.json")},
                 content_type="multipart/form-data")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "2 things in it could not be kept" in page
    assert "were renamed, e.g. 4_1731586000001 -&gt; i4-1731586000001" in page


# --- argmap's own extension --------------------------------------------------------------

ANNOTATED = tiny_map(
    node("t", "thesis", title="The deal", author="Ji-woo", passage_paragraph=2,
         passage_quote="negotiated together"),
    node("e", "evidence", cites="src", origin="editor", passage_quote="Article IV"),
    node("r", "claim", origin="reconstruction", title="Unstated premise"),
    node("c", "rebuttal", tags=("week 3",)),
    relations=[rel("support", "e + r", "t"), rel("attack", "c", "t")],
    sources=[source("src")])


@pytest.mark.parametrize("fmt", ["aif", "aif-ova"])
def test_titles_origins_and_passages_survive_aif(fmt):
    exported = write(ANNOTATED, fmt)
    graph = json.loads(exported)
    graph = graph.get("AIF", graph)
    extension = {n["argmap"]["key"]: n["argmap"] for n in graph["nodes"] if n["type"] == "I"}
    assert extension["t"]["title"] == "The deal" and extension["t"]["author"] == "Ji-woo"
    assert extension["t"]["passage"] == {"paragraph": 2, "quote": "negotiated together"}
    assert "origin" not in extension["t"]  # "document", the default, is not written
    assert extension["e"]["origin"] == "editor"
    assert extension["r"]["origin"] == "reconstruction"
    assert {"title", "origin", "passage", "author"}.isdisjoint(extension["c"])
    _fmt, imported = read(exported.encode(), f"tiny.{fmt}")
    assert imported.warnings == []
    # every node field comes back; the one source is keyed anew from its citation
    (src,) = imported.data.sources
    assert replace(src, key="src") == ANNOTATED.sources[0]
    assert imported.data.nodes == tuple(replace(n, cites=src.key if n.cites else None)
                                        for n in ANNOTATED.nodes)
    assert set(imported.data.relations) == set(ANNOTATED.relations)


@pytest.mark.parametrize("extra, where", [
    ({"title": 3}, "$.nodes[0].argmap.title: expected a text"),
    ({"origin": ["editor"]}, "$.nodes[0].argmap.origin: expected a text"),
    ({"passage": "a quote"}, "$.nodes[0].argmap.passage: expected an object"),
    ({"passage": {"paragraph": "2"}}, "$.nodes[0].argmap.passage.paragraph: expected a number"),
    ({"passage": {"quote": 5}}, "$.nodes[0].argmap.passage.quote: expected a text"),
    ({"origin": "somewhere"}, "$.nodes[0]"),  # the model's own check of the value
])
def test_a_malformed_extension_is_refused_where_it_is(extra, where):
    raw = json.dumps({"nodes": [{"nodeID": 1, "type": "I", "text": "x", "argmap": extra}],
                      "edges": []}).encode()
    with pytest.raises(MapFileError) as caught:
        read(raw, "bad.json", "aif")
    assert str(caught.value).startswith(f"bad.json: {where}"), str(caught.value)


def test_an_annotated_aif_file_imports_through_the_web(client):
    sign_up(client, "annotator")
    reply = post(client, "/maps/import", {"file": (io.BytesIO(write(ANNOTATED, "aif").encode()),
                                                   "tiny.aif.json")},
                 content_type="multipart/form-data")
    assert reply.status_code == 303, reply.get_data(as_text=True)[:2000]
    outline = client.get(reply.location + "?view=outline")
    assert outline.status_code == 200 and "Unstated premise" in outline.get_data(as_text=True)
