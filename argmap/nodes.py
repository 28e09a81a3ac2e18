"""Node and relation operations, with the checks that give users a clear message.

The database enforces the same rules (see models.py); these checks run first so that bad input
becomes an InvalidInput naming the field instead of an IntegrityError.
"""

from sqlalchemy import or_
from sqlmodel import Session, select

from argmap.errors import InvalidInput, NotFound
from argmap.maps import bump_revision
from argmap.models import Node, NodeCreate, NodeKind, Relation, RelationKind, Source, validate


def get_node(session: Session, *, map_id: int, node_id: int) -> Node:
    node = session.get(Node, node_id)
    if node is None or node.map_id != map_id:
        raise NotFound(f"no node {node_id} in this map")
    return node


def _next_key(session: Session, map_id: int, kind: str) -> str:
    taken = set(session.exec(select(Node.key).where(Node.map_id == map_id)).all())
    n = 1
    while f"{kind}-{n}" in taken:
        n += 1
    return f"{kind}-{n}"


def add_node(session: Session, *, map_id: int, kind: str, text: str, title: str | None = None,
             author: str | None = None, origin: str = "editor", source_id: int | None = None,
             key: str | None = None, by_id: int | None = None) -> Node:
    # Bump first: the UPDATE of the map row holds the write lock (SQLite) or the row lock
    # (PostgreSQL) until commit, so concurrent additions cannot pick the same next key.
    bump_revision(session, map_id=map_id)
    if key is None:
        key = _next_key(session, map_id, kind if kind in set(NodeKind) else "node")
    values = validate(NodeCreate, {
        "key": key,
        "kind": kind, "text": (text or "").strip(), "title": (title or "").strip() or None,
        "author": author, "origin": origin})
    if source_id is not None:
        source = session.get(Source, source_id)
        if source is None or source.map_id != map_id:
            raise InvalidInput("the citation belongs to another map", field="source")
    elif values.kind == NodeKind.EVIDENCE:
        raise InvalidInput("evidence must cite a source", field="source")
    node = Node(map_id=map_id, source_id=source_id, created_by_id=by_id, **values.model_dump())
    session.add(node)
    session.flush()
    bump_revision(session, map_id=map_id)
    return node


def add_relation(session: Session, *, map_id: int, kind: str, source_id: int,
                 target_id: int, author: str | None = None) -> Relation:
    """A support or attack from node `source_id` to node `target_id`."""
    if kind not in (RelationKind.SUPPORT, RelationKind.ATTACK):
        raise InvalidInput(f"unknown relation kind {kind!r} (expected support or attack)",
                           field="kind")
    source = get_node(session, map_id=map_id, node_id=source_id)
    target = session.get(Node, target_id)
    if target is None:
        raise InvalidInput(f"no node {target_id}", field="target")
    if target.map_id != map_id:
        raise InvalidInput("the target node belongs to another map", field="target")
    if target.id == source.id:
        raise InvalidInput("a node cannot support or attack itself", field="target")
    existing = session.exec(select(Relation.kind).where(
        Relation.source_node_id == source.id, Relation.target_node_id == target.id)).first()
    if existing is not None:
        raise InvalidInput(f"this node already {existing}s that node", field="target")
    relation = Relation(map_id=map_id, kind=kind, source_node_id=source.id,
                        target_node_id=target.id, author=author)
    session.add(relation)
    session.flush()
    bump_revision(session, map_id=map_id)
    return relation


def add_undercut(session: Session, *, map_id: int, source_id: int, relation_id: int,
                 author: str | None = None) -> Relation:
    """Node `source_id` says that support relation `relation_id` does not follow."""
    source = get_node(session, map_id=map_id, node_id=source_id)
    target = session.get(Relation, relation_id)
    if target is None or target.map_id != map_id:
        raise InvalidInput("no such relation in this map", field="relation")
    if target.kind != RelationKind.SUPPORT:
        raise InvalidInput("only a support relation (an inference) can be undercut",
                           field="relation")
    if source.id in (target.source_node_id, target.target_node_id):
        raise InvalidInput("a node cannot undercut an inference it is part of",
                           field="relation")
    duplicate = session.exec(select(Relation.id).where(
        Relation.source_node_id == source.id, Relation.target_relation_id == target.id)).first()
    if duplicate is not None:
        raise InvalidInput("this node already undercuts that inference", field="relation")
    relation = Relation(map_id=map_id, kind=RelationKind.UNDERCUT, source_node_id=source.id,
                        target_relation_id=target.id, author=author)
    session.add(relation)
    session.flush()
    bump_revision(session, map_id=map_id)
    return relation


def delete_node(session: Session, *, map_id: int, node_id: int) -> None:
    """Delete a node with its relations and the undercuts on those relations.

    Rows are deleted through the session, dependants first, so that history records every
    one of them (the database would cascade the same way).
    """
    node = get_node(session, map_id=map_id, node_id=node_id)
    own = session.exec(select(Relation).where(or_(
        Relation.source_node_id == node.id, Relation.target_node_id == node.id))).all()
    undercuts = session.exec(select(Relation).where(
        Relation.target_relation_id.in_([r.id for r in own]))).all()
    for row in [*undercuts, *(r for r in own if r not in undercuts), node]:
        session.delete(row)
        session.flush()
    bump_revision(session, map_id=map_id)
