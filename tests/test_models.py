"""The model's integrity rules, checked in the database itself and in the domain functions."""

import pytest
from sqlalchemy import delete, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map, import_map
from argmap.domain.nodes import add_node, add_relation, add_undercut, delete_node
from argmap.errors import InvalidInput
from argmap.models import Map, Node, Premise, Relation, Source
from tests.helpers import node, rel, source, tiny_map


def store(session, data):
    with db.transaction(session):
        return import_map(session, data=data)


def ids(session, map_id):
    return {n.key: n.id for n in session.exec(select(Node).where(Node.map_id == map_id))}


@pytest.fixture
def two_maps(session):
    first = store(session, tiny_map(node("a"), node("b"), node("c"), slug="first"))
    second = store(session, tiny_map(node("x"), slug="second"))
    return first, second


def test_the_database_enforces_foreign_keys(session):
    if session.get_bind().dialect.name == "sqlite":  # off unless each connection asks
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    session.add(Node(map_id=999_999, key="orphan", kind="claim", text="No map."))
    with pytest.raises(IntegrityError):
        session.flush()


def test_self_relation_is_rejected(session, two_maps):
    first, _ = two_maps
    a = ids(session, first.id)["a"]
    with pytest.raises(InvalidInput, match="itself") as err:
        add_relation(session, map_id=first.id, kind="support", source_id=a, target_id=a)
    assert err.value.field == "target"
    session.rollback()
    step = Relation(map_id=first.id, kind="support", target_node_id=a)
    session.add(step)
    session.flush()
    session.add(Premise(map_id=first.id, relation_id=step.id, node_id=a, target_node_id=a))
    with pytest.raises(IntegrityError, match="premise_not_self"):
        session.flush()


def test_duplicate_relation_is_rejected(session, two_maps):
    first, _ = two_maps
    n = ids(session, first.id)
    with db.transaction(session):
        add_relation(session, map_id=first.id, kind="support", source_id=n["a"],
                     target_id=n["b"])
    # Neither the same relation again nor the opposite kind between the same pair.
    for kind in ("support", "attack"):
        with pytest.raises(InvalidInput, match="already argues about 'b'"):
            add_relation(session, map_id=first.id, kind=kind, source_id=n["a"],
                         target_id=n["b"])
    step = Relation(map_id=first.id, kind="attack", target_node_id=n["b"])
    session.add(step)
    session.flush()
    session.add(Premise(map_id=first.id, relation_id=step.id, node_id=n["a"],
                        target_node_id=n["b"]))
    with pytest.raises(IntegrityError, match="premise_unique_pair|UNIQUE"):
        session.flush()


def test_relation_across_maps_is_rejected(session, two_maps):
    first, second = two_maps
    a = ids(session, first.id)["a"]
    x = ids(session, second.id)["x"]
    with pytest.raises(InvalidInput, match="another map"):
        add_relation(session, map_id=first.id, kind="attack", source_id=a, target_id=x)
    # The composite foreign keys stop it even when the Python checks are bypassed.
    session.rollback()
    session.add(Relation(map_id=first.id, kind="attack", target_node_id=x))  # x: the other map
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    step = Relation(map_id=second.id, kind="attack", target_node_id=x)
    session.add(step)
    session.flush()
    session.add(Premise(map_id=second.id, relation_id=step.id, node_id=a, target_node_id=x))
    with pytest.raises(IntegrityError):  # a premise from the other map
        session.flush()


def test_citation_across_maps_is_rejected(session):
    cited = store(session, tiny_map(node("e", "evidence", cites="src"), sources=[source()],
                                    slug="cited"))
    other = store(session, tiny_map(node("y"), slug="other"))
    src_id = session.exec(select(Source.id).where(Source.map_id == cited.id)).one()
    with pytest.raises(InvalidInput, match="another map"):
        add_node(session, map_id=other.id, kind="evidence", text="Borrowed.", source_id=src_id)
    session.rollback()
    session.add(Node(map_id=other.id, key="borrow", kind="evidence", text="Borrowed.",
                     source_id=src_id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_undercut_targets_a_support_relation(session, two_maps):
    first, _ = two_maps
    n = ids(session, first.id)
    with db.transaction(session):
        support = add_relation(session, map_id=first.id, kind="support", source_id=n["a"],
                               target_id=n["b"])
        attack = add_relation(session, map_id=first.id, kind="attack", source_id=n["c"],
                              target_id=n["b"])
        undercut = add_undercut(session, map_id=first.id, source_id=n["c"],
                                relation_id=support.id)
    assert (undercut.kind, undercut.target_relation_id, undercut.target_node_id) == (
        "undercut", support.id, None)
    with pytest.raises(InvalidInput, match="only a support step"):
        add_undercut(session, map_id=first.id, source_id=n["a"], relation_id=attack.id)
    with pytest.raises(InvalidInput, match="already argues about"):
        add_undercut(session, map_id=first.id, source_id=n["c"], relation_id=support.id)
    with pytest.raises(InvalidInput, match="part of"):
        add_undercut(session, map_id=first.id, source_id=n["a"], relation_id=support.id)
    # An undercut must point at a relation and a support/attack at a node: not a text flag.
    session.add(Relation(map_id=first.id, kind="undercut", target_node_id=n["c"]))
    with pytest.raises(IntegrityError, match="relation_target"):
        session.flush()


def test_deleting_a_node_removes_its_relations_and_their_undercuts(session):
    data = tiny_map(node("a"), node("b"), node("u"), node("c"), node("d"),
                    relations=[rel("support", "a", "b"), rel("undercut", "u", "a -> b"),
                               rel("attack", "c", "a"), rel("support", "d", "c")])
    stored = store(session, data)
    n = ids(session, stored.id)
    revision = get_map(session, slug="tiny").revision
    with db.transaction(session):
        delete_node(session, map_id=stored.id, node_id=n["b"])
    remaining = {(p.node_id, r.target_node_id, r.kind)
                 for r, p in session.exec(select(Relation, Premise).join(
                     Premise, Premise.relation_id == Relation.id).where(
                     Relation.map_id == stored.id))}
    # a->b and the undercut on it are gone; relations not touching b survive, as do nodes.
    assert remaining == {(n["c"], n["a"], "attack"), (n["d"], n["c"], "support")}
    assert set(ids(session, stored.id)) == {"a", "u", "c", "d"}
    session.expire_all()
    assert get_map(session, slug="tiny").revision == revision + 1


def test_database_cascade_works_without_the_orm(session):
    data = tiny_map(node("a"), node("b"), node("u"),
                    relations=[rel("support", "a", "b"), rel("undercut", "u", "a -> b")])
    stored = store(session, data)
    with db.transaction(session):
        session.execute(delete(Node).where(Node.map_id == stored.id, Node.key == "a"))
    count = session.exec(select(Relation).where(Relation.map_id == stored.id)).all()
    assert count == []


def test_node_text_limits(session, two_maps):
    first, _ = two_maps
    for bad in ("", "   \n\t ", "x" * 2001):
        with pytest.raises(InvalidInput) as err:
            add_node(session, map_id=first.id, kind="claim", text=bad)
        assert err.value.field == "text"
    with pytest.raises(InvalidInput, match="kind"):
        add_node(session, map_id=first.id, kind="opinion", text="Fine text.")
    with pytest.raises(InvalidInput, match="evidence must cite"):
        add_node(session, map_id=first.id, kind="evidence", text="Uncited.")
    assert add_node(session, map_id=first.id, kind="claim", text="x" * 2000).key == "claim-1"
    session.rollback()
    session.add(Node(map_id=first.id, key="empty", kind="claim", text=""))
    with pytest.raises(IntegrityError, match="node_text_length"):
        session.flush()
    session.rollback()
    session.add(Node(map_id=first.id, key="odd", kind="opinion", text="Odd kind."))
    with pytest.raises(IntegrityError, match="node_kind"):
        session.flush()


def test_every_change_increments_the_revision(session, two_maps):
    first, _ = two_maps
    n = ids(session, first.id)

    def revision():
        session.expire_all()
        return session.get(Map, first.id).revision

    start = revision()
    with db.transaction(session):
        add_node(session, map_id=first.id, kind="claim", text="New.")
    with db.transaction(session):
        add_relation(session, map_id=first.id, kind="attack", source_id=n["a"],
                     target_id=n["c"])
    assert revision() == start + 2


def test_a_failed_import_leaves_nothing_behind(session):
    # The undercut names a step that does not exist: the rules refuse it, nothing is stored.
    broken = tiny_map(node("a"), node("b"), relations=[rel("undercut", "a", "x -> y")],
                      slug="broken")
    with pytest.raises(InvalidInput, match="not a support step"), db.transaction(session):
        import_map(session, data=broken)
    assert session.exec(select(Map).where(Map.slug == "broken")).first() is None
    assert session.exec(select(Node).where(Node.key == "a")).all() == []
