"""One table of invalid maps, run through every way into argmap: the map-file reader, each
importer (argmap JSON, Argdown, AIF, Kialo), `import_map`, the CLI's import, the web upload,
the web forms and the domain functions behind them. Each refuses with the rule's own message
(from argmap/domain/rules.py or the model's validation) and stores nothing.

A few cells cannot be written in a format at all; NOT_EXPRESSIBLE says which, and why.
"""

import html
import io
import json
import re
from dataclasses import replace

import pytest
import yaml
from sqlmodel import func, select

from argmap import db
from argmap.domain.editing import connect
from argmap.domain.maps import get_map, import_map
from argmap.domain.nodes import add_co_premise, add_node, add_relation, add_undercut
from argmap.errors import ArgmapError, InvalidInput, MapFileError
from argmap.formats import read, write
from argmap.formats.mapfile import parse_map_text
from argmap.mapdata import MapData, NodeData, RelationData, SourceData
from argmap.models import Map, Node, Premise, Relation
from tests.helpers import fork_seed, post, sign_up

SOURCE = SourceData(key="s", document="Mutual Defense Treaty (1953)", locator="Article IV",
                    quote="as agreed")
NODES = (NodeData("t", "thesis", "The thesis."), NodeData("a", "claim", "A reason."),
         NodeData("b", "claim", "Another reason."),
         NodeData("e", "evidence", "Some evidence.", cites="s"),
         NodeData("r", "rebuttal", "An objection."))
STEPS = (RelationData("support", ("a",), "t"), RelationData("support", ("e",), "a"),
         RelationData("attack", ("r",), "t"))
BASE = MapData(slug="rules", title="Rules", sources=(SOURCE,), nodes=NODES, relations=STEPS)


def with_node(key: str, **change) -> MapData:
    return replace(BASE, nodes=tuple(replace(n, **change) if n.key == key else n
                                     for n in BASE.nodes))


def with_step(kind: str, premises: tuple[str, ...], target: str) -> MapData:
    return replace(BASE, relations=(*BASE.relations, RelationData(kind, premises, target)))


# case: (the invalid map, the message every way in gives)
CASES = {
    "evidence-without-citation": (with_node("e", cites=None), "evidence must cite a source"),
    "self-relation": (with_step("support", ("b",), "b"),
                      "a node cannot support or attack itself"),
    "duplicate-relation": (with_step("attack", ("a",), "t"),
                           "'a' already argues about 't' in another step"),
    "undercut-of-a-non-support": (with_step("undercut", ("b",), "r -> t"),
                                  "'r -> t' is not a support step of this map"),
    "undercut-of-its-own-step": (with_step("undercut", ("a",), "a -> t"),
                                 "a node cannot undercut an inference it is part of"),
    "dangling-reference": (with_step("support", ("b",), "nobody"),
                           "'b' points at an unknown statement 'nobody'"),
    "linked-premise-from-elsewhere": (with_step("support", ("b", "elsewhere"), "t"),
                                      "a relation starts at an unknown statement 'elsewhere'"),
    "nul-in-a-text": (with_node("b", text="half\x00way"),
                      "contains a NUL character (U+0000), which cannot be stored"),
    "over-long-text": (with_node("b", text="x" * 2001),
                       "is too long (2001 characters; at most 2000)"),
}

NOT_EXPRESSIBLE = {
    # Argdown and AIF name statements by mentioning them: a mention defines the statement, so
    # a reference cannot dangle (an AIF edge to a missing id is refused by the AIF reader's
    # own check, "no node with the id").
    ("argdown", "dangling-reference"), ("argdown", "linked-premise-from-elsewhere"),
    ("aif", "dangling-reference"), ("aif", "linked-premise-from-elsewhere"),
    # Argdown's `_` and AIF's CA -> RA undercut only an inference (RA); under an attack it
    # has nothing to point at, and the readers skip it with a warning.
    ("argdown", "undercut-of-a-non-support"), ("aif", "undercut-of-a-non-support"),
    # Kialo text has no kinds, undercuts or linked steps, and its "-> See N." to a missing
    # number is refused by the Kialo reader's own check ("points at no claim").
    *(("kialo", case) for case in ("evidence-without-citation", "undercut-of-a-non-support",
                                   "undercut-of-its-own-step", "dangling-reference",
                                   "linked-premise-from-elsewhere")),
}


def map_file(data: MapData) -> str:
    """`data` as a map file (format /2), written without checking it."""
    nodes = []
    for n in data.nodes:
        entry = {"key": n.key, "kind": n.kind, "text": n.text}
        if n.cites:
            entry["cites"] = n.cites
        for rel in data.relations:
            if rel.premises[0] != n.key:
                continue
            field = {"support": "supports", "attack": "attacks", "undercut": "undercuts"}
            target = rel.target if not rel.is_linked else {"to": rel.target,
                                                          "with": list(rel.premises[1:])}
            entry.setdefault(field[rel.kind], []).append(target)
        nodes.append(entry)
    return yaml.safe_dump({"format": "argmap-map/2", "slug": data.slug, "title": data.title,
                           "sources": {s.key: {"document": s.document, "locator": s.locator}
                                       for s in data.sources},
                           "nodes": nodes}, allow_unicode=True, sort_keys=False)


# Kialo has no kinds, undercuts or linked steps: what it can say of the cases, by hand.
KIALO = {
    "self-relation": "1. The thesis.\n1.1. Pro: -> See 1.\n",
    "duplicate-relation": "1. The thesis.\n1.1. Pro: A reason.\n1.2. Con: -> See 1.1.\n",
    "nul-in-a-text": "1. The thesis.\n1.1. Pro: half\x00way\n",
    "over-long-text": "1. The thesis.\n1.1. Pro: " + "x" * 2001 + "\n",
}


def serialized(data: MapData, fmt: str, case: str = "") -> bytes | None:
    if fmt == "map-file":
        return map_file(data).encode()
    if fmt == "kialo":
        return KIALO[case].encode() if case in KIALO else None
    try:
        return write(data, fmt).encode()
    except KeyError:  # the writer needs every node it names
        return None


FILE_WAYS = ("map-file", "json", "argdown", "aif", "kialo")


@pytest.mark.parametrize("way", FILE_WAYS)
@pytest.mark.parametrize("case", CASES)
def test_every_reader_refuses_it_with_the_rules_message(case, way):
    data, message = CASES[case]
    if (way, case) in NOT_EXPRESSIBLE:
        pytest.skip(f"{way} cannot express {case} (see NOT_EXPRESSIBLE)")
    raw = serialized(data, way, case)
    assert raw is not None, "write the case in this format, or say why it cannot be"
    name = f"case.{'yaml' if way == 'map-file' else way}"
    with pytest.raises(MapFileError) as caught:
        if way == "map-file":
            parse_map_text(raw.decode(), name)
        else:
            read(raw, name, way)
    if way == "kialo":  # Kialo numbers its claims: 1. is the thesis, 1.1. the first reason
        message = message.replace("'a'", "'k-1-1'").replace("'t'", "'k-1'")
    assert message in str(caught.value), str(caught.value)
    assert str(caught.value).startswith(name)


def test_the_valid_base_map_goes_through_every_reader():
    for way in FILE_WAYS:
        raw = serialized(BASE, way) if way != "kialo" else b"1. T.\n1.1. Pro: A.\n"
        if way == "map-file":
            parse_map_text(raw.decode())
        else:
            read(raw, f"ok.{way}", way)


def map_count(app) -> tuple[int, int, int, int]:
    with app.app_context():
        session = db.session()
        return tuple(session.exec(select(func.count(model.id))).one()
                     for model in (Map, Node, Relation, Premise))


@pytest.mark.parametrize("case", CASES)
def test_import_map_the_cli_and_the_upload_refuse_it_and_store_nothing(case, app, client,
                                                                       runner, tmp_path):
    data, message = CASES[case]
    before = map_count(app)
    with app.app_context():  # the domain function every importer ends in
        session = db.session()
        with pytest.raises(InvalidInput, match=re.escape(message)), db.transaction(session):
            import_map(session, data=data)
    path = tmp_path / "case.json"
    path.write_text(write(data, "json"))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and message in result.output, result.output
    sign_up(client, "uploader")
    reply = post(client, "/maps/import", {"file": (io.BytesIO(write(data, "json").encode()),
                                              "case.json"), "format": ""},
                 content_type="multipart/form-data")
    assert reply.status_code == 422 and message in _text(reply), _text(reply)[:2000]
    assert map_count(app) == before


def _text(reply) -> str:
    return html.unescape(reply.get_data(as_text=True))


# --- single changes: the web forms, and the domain functions behind them ---------------------

MAP = "/maps/seminar"


@pytest.fixture
def fork(client, app):
    sign_up(client, "editor")
    fork_seed(client)
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        ids = {n.key: n.id for n in session.exec(select(Node).where(Node.map_id == found.id))}
        steps = {}
        for relation_id, kind, target in session.exec(
                select(Relation.id, Relation.kind, Relation.target_node_id)
                .where(Relation.map_id == found.id)):
            for premise in session.exec(select(Premise.node_id).where(
                    Premise.relation_id == relation_id)):
                steps[(premise, target, kind)] = relation_id
    return {"id": found.id, "ids": ids, "steps": steps}


def _step(fork, premise: str, target: str, kind: str) -> int:
    return fork["steps"][(fork["ids"][premise], fork["ids"][target], kind)]


# The single changes are tried on a fork of the seed: its keys, in the same messages.
SEED_KEYS = {
    "duplicate-relation": {"'a'": "'korea-record'", "'t'": "'sma-scope-fixed'"},
    "undercut-of-a-non-support": {"'r -> t'": "'sma-scope-fixed -> opp-strategic-assets'"},
    "dangling-reference": {"'b'": "'korea-record'"},
}


def on_the_seed(case: str, message: str) -> str:
    for theirs, ours in SEED_KEYS.get(case, {}).items():
        message = message.replace(theirs, ours)
    return message


# case: the form post that tries it
FORMS = {
    "evidence-without-citation": lambda f: ("/nodes/thesis/arguments",
                                            {"form": "evidence", "text": "Uncited fact."}),
    "self-relation": lambda f: ("/nodes/korea-record/links",
                                {"kind": "support", "target": "korea-record"}),
    "duplicate-relation": lambda f: ("/nodes/korea-record/links",
                                     {"kind": "attack", "target": "sma-scope-fixed"}),
    "undercut-of-a-non-support": lambda f: ("/nodes/opp-strategic-assets/undercuts", {
        "relation": str(_step(f, "sma-scope-fixed", "opp-strategic-assets", "attack")),
        "text": "Does not follow."}),
    "dangling-reference": lambda f: ("/nodes/korea-record/links",
                                     {"kind": "support", "target": "nobody"}),
    "linked-premise-from-elsewhere": lambda f: ("/nodes/three-categories/premises", {
        "relation": str(_step(f, "three-categories", "sma-scope-fixed", "support")),
        "text": "", "premise": "a node of elsewhere-map"}),
    "nul-in-a-text": lambda f: ("/nodes/thesis/arguments",
                                {"form": "reason", "text": "half\x00way"}),
    "over-long-text": lambda f: ("/nodes/thesis/arguments",
                                 {"form": "reason", "text": "x" * 2001}),
}
# The undercut form always adds a new rebuttal, so it cannot make a node undercut its own
# step; the domain function below can, and refuses it.


# A node the web forms name is typed into a node chooser, which finds no such node before the
# domain rule is reached; the domain functions' own refusal is tested below.
CHOOSER_SAYS = {"dangling-reference": "no node matches \u201cnobody\u201d",
                "linked-premise-from-elsewhere":
                    "no node matches \u201ca node of elsewhere-map\u201d"}


@pytest.mark.parametrize("case", FORMS)
def test_the_web_forms_refuse_it_next_to_the_field_and_store_nothing(case, app, client, fork):
    _data, message = CASES[case]
    url, form = FORMS[case](fork)
    message = CHOOSER_SAYS.get(case) or on_the_seed(case, message)
    before = map_count(app)
    reply = post(client, MAP + url, form, htmx="panel")
    assert reply.status_code in (400, 422), reply.status_code
    assert message in _text(reply), _text(reply)[:3000]
    assert map_count(app) == before


def test_the_domain_functions_refuse_each_single_change(app, fork):
    ids, map_id = fork["ids"], fork["id"]
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            other = import_map(session, data=replace(BASE, slug="elsewhere-map"))
        elsewhere = session.exec(select(Node.id).where(Node.map_id == other.id,
                                                       Node.key == "b")).one()
        attempts = {
            "evidence-without-citation": lambda: add_node(
                session, map_id=map_id, kind="evidence", text="Uncited."),
            "self-relation": lambda: add_relation(
                session, map_id=map_id, kind="support", source_id=ids["korea-record"],
                target_id=ids["korea-record"]),
            "duplicate-relation": lambda: add_relation(
                session, map_id=map_id, kind="attack", source_id=ids["korea-record"],
                target_id=ids["sma-scope-fixed"]),
            "dangling-reference": lambda: connect(
                session, map_id=map_id, source_key="korea-record", target_key="nobody",
                kind="support"),
            "undercut-of-a-non-support": lambda: add_undercut(
                session, map_id=map_id, source_id=ids["ed-record-is-policy"],
                relation_id=_step(fork, "sma-scope-fixed", "opp-strategic-assets", "attack")),
            "undercut-of-its-own-step": lambda: add_undercut(
                session, map_id=map_id, source_id=ids["korea-record"],
                relation_id=_step(fork, "korea-record", "sma-scope-fixed", "support")),
            "linked-premise-from-elsewhere": lambda: add_co_premise(
                session, map_id=map_id, node_id=elsewhere,
                relation_id=_step(fork, "three-categories", "sma-scope-fixed", "support")),
            "nul-in-a-text": lambda: add_node(session, map_id=map_id, kind="claim",
                                              text="half\x00way"),
            "over-long-text": lambda: add_node(session, map_id=map_id, kind="claim",
                                               text="x" * 2001),
        }
        assert set(attempts) == set(CASES)
        for case, attempt in attempts.items():
            message = on_the_seed(case, CASES[case][1]).replace("'elsewhere'", "'b'")
            with pytest.raises(ArgmapError) as caught, db.transaction(session):
                attempt()
            assert message in str(caught.value), (case, str(caught.value))
        assert session.exec(select(func.count(Node.id)).where(Node.map_id == map_id)).one() \
            == len(ids)
        assert session.get(Map, map_id).revision == 1  # nothing moved it


def test_every_case_is_tried_by_every_way():
    assert set(FORMS) | {"undercut-of-its-own-step"} == set(CASES)
    assert json.dumps(sorted(CASES))  # the ids are plain names
