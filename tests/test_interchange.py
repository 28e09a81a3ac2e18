"""Interchange: round trips through every format, fixtures written the way each tool documents
its format, and every kind of bad input (rejected with file and line or JSON path, storing
nothing)."""

import io
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import func, select

from argmap import db
from argmap.domain.maps import attach_text, get_map, import_map, load_map_data
from argmap.errors import MapFileError
from argmap.formats import detect, read, write
from argmap.formats.mapfile import load_map_file
from argmap.mapdata import MapData, NodeData, RelationData, SourceData
from argmap.models import Map, Node
from argmap.paths import SEEDS
from tests.helpers import fork_seed, node, post, rel, sign_up, source, tiny_map

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")
FIXTURES = Path(__file__).parent / "fixtures"


def shape(data):
    """Nodes (text, kind) and relations between texts: what every round trip must keep."""
    text = {n.key: n.text for n in data.nodes}
    refs = {}
    relations = []
    for r in sorted(data.relations, key=lambda r: r.is_undercut):
        if r.is_undercut:
            a, b = refs[r.target]
            target = ("inference", a, b)
        else:
            target = text[r.target]
        refs[r.ref] = (text[r.premises[0]], target)
        relations.append((r.kind, text[r.premises[0]], target))
    return Counter((n.text, n.kind) for n in data.nodes), Counter(relations)


# --- round trips ------------------------------------------------------------------------

def test_json_round_trip_keeps_every_field(app):
    text = "I like cats. Really.\n\nDogs bark at night."
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            import_map(session, data=tiny_map(
                node("a", "thesis", title="Cats", author="Ji-woo",
                     passage_paragraph=1, passage_quote="like cats"),
                node("b", "evidence", cites="src", origin="editor", passage_quote="bark"),
                node("c", "rebuttal"), relations=[rel("support", "b", "a"),
                                                  rel("undercut", "c", "b -> a")],
                sources=[source("src")]))
            attach_text(session, found=get_map(session, slug="tiny"), text=text)
        original = load_map_data(session, found=get_map(session, slug="tiny"))
        exported = write(original, "json", text)
        fmt, imported = read(exported.encode(), "tiny.json")
        assert fmt == "json" and imported.source_text == text
        assert imported.data == replace(original, revision=imported.data.revision)
        with db.transaction(session):
            import_map(session, data=replace(imported.data, slug="copy"))
            attach_text(session, found=get_map(session, slug="copy"), text=imported.source_text)
        rows = {slug: [(n.key, n.passage_start, n.passage_end, n.passage_paragraph)
                       for n in session.exec(select(Node).join(Map).where(Map.slug == slug)
                                             .order_by(Node.id))] for slug in ("tiny", "copy")}
        assert rows["tiny"] == rows["copy"]
        assert write(load_map_data(session, found=get_map(session, slug="copy")), "json", text) == \
            exported.replace('"slug": "tiny"', '"slug": "copy"')


def test_tags_survive_json_argdown_and_aif():
    tagged = tiny_map(node("a", "thesis", tags=("week 3", "draft")), node("b"),
                      relations=[rel("support", "b", "a")])
    for fmt in ("json", "argdown", "aif"):
        _found, imported = read(write(tagged, fmt).encode(), f"x.{fmt}")
        by_text = {n.text: n for n in imported.data.nodes}
        assert by_text["Text of a."].tags == ("week 3", "draft"), fmt


def test_seed_json_round_trip():
    fmt, imported = read(write(SEED, "json").encode(), "seed.json")
    # Every field; relations may come back in another order (undercuts last).
    assert replace(imported.data, relations=()) == replace(SEED, relations=())
    assert sorted(imported.data.relations, key=repr) == sorted(SEED.relations, key=repr)


@pytest.mark.parametrize("fmt", ["argdown", "aif", "aif-ova"])
def test_seed_survives_the_round_trip(fmt):
    exported = write(SEED, fmt)
    _found, imported = read(exported.encode(), f"seed.{fmt}")
    assert imported.warnings == []
    assert shape(imported.data) == shape(SEED)


NASTY = ("Cost #1 of [the] SMA <draft> {data} // no comment /* nor this */ a\\b "
         "@[mention] *stars* _under_ #(tag) 50/50 http://x.example/a_b (paren)")


def test_argdown_texts_with_syntax_characters_come_back_unchanged():
    data = MapData(slug="nasty", title="Nasty", nodes=(
        NodeData(key="thesis", kind="thesis", text=NASTY, title="Thesis"),
        NodeData(key="c", kind="claim", text="#heading-like start", title="C",
                 tags=("a (b) #c", "plain")),
        NodeData(key="e", kind="evidence", text="- dash + plus <- arrow", title="E",
                 cites="s")),
        sources=(SourceData(key="s", document="Doc {x} #1 // y", locator="p. 1 <a>",
                            quote="q [b] */ z", url="https://x.example/a_b?c=1#d"),),
        relations=(RelationData(kind="support", premises="c", target="thesis"),
                   RelationData(kind="support", premises="e", target="c")))
    exported = write(data, "argdown")
    assert "\\#1" in exported and "\\// no comment" in exported
    _fmt, imported = read(exported.encode(), "nasty.argdown")
    assert imported.warnings == []
    back = {n.key: n for n in imported.data.nodes}
    assert back["thesis"].text == NASTY
    assert back["c"].text == "#heading-like start"
    assert set(back["c"].tags) == {"a (b) #c", "plain"}
    assert back["e"].text == "- dash + plus <- arrow"
    assert imported.data.sources_by_key[back["e"].cites] == replace(
        data.sources[0], key=back["e"].cites)
    assert shape(imported.data) == shape(data)


def test_importing_the_seed_argdown_recreates_it(runner, app, tmp_path):
    path = tmp_path / "seed.argdown"
    path.write_text(write(SEED, "argdown"))
    result = runner.invoke(args=["import", str(path), "--slug", "again"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        again = load_map_data(db.session(), found=get_map(db.session(), slug="again"))
    assert shape(again) == shape(SEED) and again.title == SEED.title


def test_argdown_export_is_valid_and_nested():
    text = write(SEED, "argdown")
    assert text.startswith("===\ntitle: The weight of a treaty alliance\n===\n")
    assert "[Tying the SMA to tariffs breaks the treaties]: Trump" in text
    assert "\n  + [The alliance rests on law, chiefly the MDT]:" in text
    assert "\n    + [Three treaties hold the alliance up]:" in text  # nested
    assert "#evidence" in text and "#rebuttal" in text and "#(editor addition)" in text
    assert "\n      _ " in text or "\n    _ " in text  # an undercut under its argument
    titles = [line.split("]:")[0] for line in text.splitlines() if "]: " in line]
    assert len(titles) == len(set(titles))  # each statement is defined once
    assert write(SEED, "argdown") == text  # stable


def test_aif_export_shapes():
    graph = json.loads(write(SEED, "aif"))
    types = Counter(n["type"] for n in graph["nodes"])
    kinds = Counter(r.kind for r in SEED.relations)
    assert types == {"I": len(SEED.nodes), "RA": kinds["support"],
                     "CA": kinds["attack"] + kinds["undercut"]}
    by_id = {n["nodeID"]: n for n in graph["nodes"]}
    into = {}
    for e in graph["edges"]:
        into.setdefault(e["toID"], []).append(e["fromID"])
    undercuts = [n for n in graph["nodes"] if n["type"] == "CA"
                 and any(by_id[e["toID"]]["type"] == "RA" for e in graph["edges"]
                         if e["fromID"] == n["nodeID"])]
    assert len(undercuts) == kinds["undercut"] == 3  # I -> CA -> RA
    assert all(isinstance(n["nodeID"], int) and "timestamp" in n for n in graph["nodes"])
    ova = json.loads(write(SEED, "aif-ova"))
    assert set(ova) == {"AIF", "text", "OVA"}
    placed = {n["nodeID"]: (n["x"], n["y"]) for n in ova["OVA"]["nodes"]}
    assert len(placed) == len(ova["AIF"]["nodes"]) and len(set(placed.values())) > 30


# --- fixtures in each tool's own style -------------------------------------------------

def test_argdown_in_the_style_of_its_documentation():
    _fmt, imported = read((FIXTURES / "argdown-guide.argdown").read_bytes(),
                          "argdown-guide.argdown")
    data = imported.data
    titles = {n.title or n.text: n for n in data.nodes}
    for title in ("Censorship", "Freedom of Speech", "Argument from Freedom of Speech",
                  "Argument from Harm", "Harmful content", "Slippery slope",
                  "Not all speech is equal", "Courts decide"):
        assert title in titles, title
    assert data.title == "Censorship of hate speech"
    assert titles["Censorship"].kind == "thesis"
    keys = {(n.title or n.text): n.key for n in data.nodes}
    relations = {(r.kind, r.premises[0], r.target) for r in data.relations}
    expect = [("attack", "Argument from Freedom of Speech", "Censorship"),
              ("support", "Argument from Harm", "Censorship"),
              ("support", "Freedom of Speech", "Argument from Freedom of Speech"),
              ("attack", "Not all speech is equal", "Freedom of Speech"),
              ("support", "Harmful content", "Argument from Harm"),
              ("attack", "Argument from Harm", "Slippery slope"),  # written "->" below it
              ("support", "Censorship", "Courts decide")]  # written "+>" below it
    for kind, source_title, target_title in expect:
        assert (kind, keys[source_title], keys[target_title]) in relations, source_title
    undercut = [r for r in data.relations if r.is_undercut]
    assert len(undercut) == 1 and undercut[0].premises[0] == keys["Slippery slope"]
    assert undercut[0].target == f"{keys['Argument from Harm']} -> {keys['Censorship']}"
    # The premise-conclusion structure is one linked step: its premises count only together.
    # The argument has no text of its own, so it is the step, not a node.
    assert "All users deserve protection from abuse." in {n.text for n in data.nodes}
    assert "Argument from Protection" not in keys
    linked = [r for r in data.relations if r.is_linked]
    assert [(r.kind, r.premises, r.target) for r in linked] == [
        ("support", (keys["Protection"], keys["Platforms can prevent abuse only by moderating."]),
         keys["Platforms must moderate"])]
    # headings and free tags are kept as tags
    assert "The main question" in titles["Censorship"].tags
    assert "Arguments against" in titles["Platforms must moderate"].tags
    assert "basic rights" in titles["Freedom of Speech"].tags
    assert any("data in {braces}" in w for w in imported.warnings)
    assert all(w.startswith("argdown-guide.argdown:") for w in imported.warnings)


def test_aif_in_the_style_of_aifdb_and_ova():
    for name in ("aifdb.json", "ova3.json"):
        _fmt, imported = read((FIXTURES / name).read_bytes(), name)
        data = imported.data
        texts = {n.text: n for n in data.nodes}
        assert set(texts) == {"Tariffs and troops should be negotiated together.",
                              "Both are about the alliance's costs.",
                              "The troops serve a treaty purpose.",
                              "Costs are not the only thing both share."}
        kinds = Counter(r.kind for r in data.relations)
        assert kinds == {"support": 1, "attack": 1, "undercut": 1}
        assert any("type L, YA" in w for w in imported.warnings)


def test_kialo_discussion_export():
    _fmt, imported = read((FIXTURES / "kialo.txt").read_bytes(), "kialo.txt")
    data = imported.data
    assert data.title == "Should tariffs and troop costs be negotiated together?"
    kinds = Counter(n.kind for n in data.nodes)
    assert kinds == {"thesis": 1, "claim": 2, "rebuttal": 3}
    text = {n.key: n.text for n in data.nodes}
    relations = {(r.kind, text[r.premises[0]], text[r.target]) for r in data.relations}
    assert ("support", "One package gives more leverage.",
            "Tariffs and troop costs should be negotiated together.") in relations
    assert ("attack", "Leverage invites retaliation.", "One package gives more leverage.") \
        in relations
    # "-> See 1.2.1." under 1.1 is a cross-link from 1.2.1 to 1.1
    assert ("attack", "The treaty sets cost-sharing apart.", "One package gives more leverage.") \
        in relations
    assert len(data.relations) == 6 and imported.warnings == []


@pytest.mark.parametrize("name, fmt", [("x.argdown", "argdown"), ("aifdb.json", "aif"),
                                       ("kialo.txt", "kialo"), ("seed.json", "json")])
def test_format_detection(name, fmt):
    content = (FIXTURES / name).read_text() if (FIXTURES / name).exists() else \
        write(SEED, "json") if fmt == "json" else "[A]: text\n  + [B]: more"
    assert detect(content, "upload") == fmt


# --- bad input --------------------------------------------------------------------------

def _seed_json():
    return json.loads(write(SEED, "json"))


BAD = {
    "truncated-json": (write(SEED, "json")[:5000].encode(), "json", "not valid JSON"),
    "unknown-relation-id": (json.dumps({**_seed_json(), "relations": [
        {"kind": "support", "premises": ["thesis"], "to": "nowhere"}]}).encode(), "json",
        "$.relations[0]: 'thesis' points at an unknown statement 'nowhere'"),
    "duplicate-id": (json.dumps({**_seed_json(), "nodes": _seed_json()["nodes"] +
                                 [_seed_json()["nodes"][3]]}).encode(), "json",
                     f"$.nodes[{len(SEED.nodes)}].id: the id"),
    "self-relation": (json.dumps({**_seed_json(), "relations": [
        {"kind": "attack", "premises": ["thesis"], "to": "thesis"}]}).encode(), "json",
        "$.relations[0]: a node cannot support or attack itself"),
    "deep-json": (("[" * 100_000 + "]" * 100_000).encode(), "json", "levels deep"),
    "deep-argdown": (("[A]: a\n" + "".join("  " * i + f"+ [N{i}]: n\n" for i in range(1, 260))
                      ).encode(), "argdown", "levels deep"),
    "aif-unknown-node": (json.dumps({"nodes": [{"nodeID": 1, "type": "I", "text": "x"}],
                                     "edges": [{"edgeID": 1, "fromID": 1, "toID": 9}]}
                                    ).encode(), "aif", "$.edges[0].toID: no node with the id"),
    "aif-duplicate": (json.dumps({"nodes": [{"nodeID": 1, "type": "I", "text": "x"},
                                            {"nodeID": 1, "type": "I", "text": "y"}],
                                  "edges": []}).encode(), "aif", "$.nodes[1].nodeID"),
    "kialo-cycle": (b"1. Thesis\n1.1. Pro: -> See 1.\n", "kialo",
                    ":2: a node cannot support or attack itself"),
    "kialo-unknown": (b"1. Thesis\n1.1. Con: -> See 1.7.\n", "kialo", "points at no claim"),
    "kialo-duplicate": (b"1. Thesis\n1.1. Pro: a\n1.1. Con: b\n", "kialo", "used twice"),
    "argdown-no-parent": (b"+ [A]: dangling\n", "argdown", "has no statement above it"),
    "too-big": (b"[A]: " + b"x" * (3 * 1024 * 1024), "argdown", "limited to"),
    "binary": (bytes(range(256)) * 40, None, "binary file"),
    "nul-escape": (json.dumps({**_seed_json(), "map": {**_seed_json()["map"],
                                                        "source_text": "half\u0000way"}}
                              ).encode(), "json",
                   "$.map.source_text: contains a NUL character"),
    "nul-late": (b"[A]: a\n" + b"x" * 70_000 + b"\n[B]: b\x00\n", "argdown",
                 ":3: contains a NUL character"),
    "latin-1": ("[Caf\u00e9]: na\u00efve\n".encode("latin-1"), "argdown", "not UTF-8"),
    "empty": (b"  \n\n", None, "empty"),
}


@pytest.mark.parametrize("raw, fmt, message", BAD.values(), ids=BAD.keys())
def test_bad_input_is_rejected_with_where_and_what(raw, fmt, message):
    with pytest.raises(MapFileError) as caught:
        read(raw, "upload.file", fmt)
    text = str(caught.value)
    assert text.startswith("upload.file") and message in text, text


def test_truncated_json_names_the_line():
    cut = write(SEED, "json")[:5000]
    with pytest.raises(MapFileError) as caught:
        read(cut.encode(), "seed.json")
    assert caught.value.line == cut.count("\n") + 1 > 50  # where the text stops


@pytest.mark.parametrize("case", ["unknown-relation-id", "kialo-cycle", "binary"])
def test_a_failed_import_stores_nothing(runner, app, tmp_path, case):
    raw, fmt, _message = BAD[case]
    path = tmp_path / "bad.file"
    path.write_bytes(raw)
    with app.app_context():
        before = db.session().exec(select(func.count(Node.id))).one()
    result = runner.invoke(args=["import", str(path)] + (["--format", fmt] if fmt else []))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}")
    with app.app_context():
        assert db.session().exec(select(func.count(Node.id))).one() == before


# --- where it is available --------------------------------------------------------------

@pytest.mark.parametrize("suffix, media", [("json", "application/json"),
                                           ("argdown", "text/plain"),
                                           ("aif.json", "application/json"),
                                           ("ova.json", "application/json")])
def test_http_exports(client, suffix, media):
    reply = client.get(f"/maps/treaty-alliance/export.{suffix}")
    assert reply.status_code == 200 and reply.mimetype == media
    assert f'filename="treaty-alliance.{suffix}"' in reply.headers["Content-Disposition"]
    _fmt, imported = read(reply.data, f"x.{suffix}")
    assert shape(imported.data) == shape(SEED)


def test_import_in_the_browser_creates_a_private_map(client, app):
    sign_up(client, "olivia")
    upload = (FIXTURES / "argdown-guide.argdown").read_bytes()
    reply = post(client, "/maps/import", {"file": (io.BytesIO(upload), "guide.argdown")},
                 content_type="multipart/form-data")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "could not be kept" in html  # it has warnings
    assert "data in {braces} is not imported" in html
    with app.app_context():
        found = get_map(db.session(), slug="censorship-of-hate-speech")
        assert found.visibility == "private"
    assert client.get("/maps/censorship-of-hate-speech?view=outline").status_code == 200
    clean = post(client, "/maps/import", {"file": (io.BytesIO(write(SEED, "json").encode()),
                                                   "seed.json")},
                 content_type="multipart/form-data")
    assert clean.status_code == 303 and "/maps/treaty-alliance-2" in clean.location


def test_bad_upload_is_a_422_next_to_the_field(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    reply = post(client, "/maps/import", {"file": (io.BytesIO(b"\x00\x01\x02"), "x.bin")},
                 content_type="multipart/form-data")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert '<p class="error" id="import-file-error">x.bin: this is a binary file' in html
    anonymous = app.test_client()
    assert post(anonymous, "/maps/import", {}).status_code == 403
