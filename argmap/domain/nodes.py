"""Node and step operations on a stored map. The rules come from argmap/domain/rules.py; these
functions gather what the rules need from the database, then store the change.

The database enforces what it can of the same rules (see models.py); checking first turns bad
input into an InvalidInput naming the field instead of an IntegrityError.
"""

from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from argmap.domain import rules
from argmap.domain.maps import bump_revision
from argmap.errors import Conflict, InvalidInput, NotFound
from argmap.mapdata import NodeData, RelationData
from argmap.models import (
    Map,
    Node,
    NodeCreate,
    NodeKind,
    Premise,
    Relation,
    RelationKind,
    Source,
    ident,
    validate,
)


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


def addition_origin(session: Session, *, map_id: int, author: str | None) -> str:
    """Whether a node added on the page is an editor's addition to someone else's text (the
    map names a document author who isn't the one adding), or part of the mapper's own."""
    found = session.get(Map, map_id)
    written_by = ((found.doc_author if found else None) or "").strip().casefold()
    return "editor" if written_by and written_by != (author or "").strip().casefold() \
        else "document"


def add_node(session: Session, *, map_id: int, kind: str, text: str, title: str | None = None,
             author: str | None = None, origin: str | None = None,
             source_id: int | None = None, key: str | None = None,
             by_id: int | None = None) -> Node:
    # Bump first: the UPDATE of the map row holds the write lock (SQLite) or the row lock
    # (PostgreSQL) until commit, so concurrent additions cannot pick the same next key.
    bump_revision(session, map_id=map_id)
    if key is None:
        key = _next_key(session, map_id, kind if kind in set(NodeKind) else "node")
    if origin is None:
        origin = addition_origin(session, map_id=map_id, author=author)
    values = validate(NodeCreate, {
        "key": key,
        "kind": kind, "text": (text or "").strip(), "title": (title or "").strip() or None,
        "author": author, "origin": origin})
    if source_id is not None:
        source = session.get(Source, source_id)
        if source is None or source.map_id != map_id:
            raise InvalidInput("the citation belongs to another map", field="source")
    rules.check_node(NodeData(key=values.key, kind=values.kind, text=values.text,
                              title=values.title, cites="cited" if source_id else None))
    node = Node(map_id=map_id, source_id=source_id, created_by_id=by_id, **values.model_dump())
    session.add(node)
    session.flush()
    return node


# --- steps ------------------------------------------------------------------------------


def premises_of(session: Session, *, relation_ids) -> dict[int, list[Premise]]:
    """Each step's premises, in the order they were added (one query)."""
    found: dict[int, list[Premise]] = {}
    for row in session.exec(select(Premise).where(col(Premise.relation_id).in_(relation_ids))
                            .order_by(col(Premise.id))).all():
        found.setdefault(row.relation_id, []).append(row)
    return found


def _keys(session: Session, ids) -> dict[int, str]:
    rows = session.exec(select(Node.id, Node.key).where(col(Node.id).in_(ids))).all()
    return {node_id: key for node_id, key in rows if node_id is not None}  # ids are never NULL


def step_data(session: Session, relation: Relation) -> RelationData:
    """A stored step as the rules and the renderer see it (an undercut's target as a ref)."""
    premises = premises_of(session, relation_ids=[relation.id]).get(ident(relation), [])
    if relation.target_relation_id is not None:
        target_step = session.get(Relation, relation.target_relation_id)
        assert target_step is not None  # a foreign key (ON DELETE CASCADE)
        target = step_data(session, target_step).ref
        keys = _keys(session, [p.node_id for p in premises])
    else:
        assert relation.target_node_id is not None  # CHECK relation_target
        keys = _keys(session, [p.node_id for p in premises] + [relation.target_node_id])
        target = keys[relation.target_node_id]
    return RelationData(kind=relation.kind, premises=tuple(keys[p.node_id] for p in premises),
                        target=target)


def _context(session: Session, map_id: int, nodes: list[Node],
             steps: dict[str, Relation], changing: int | None = None) -> rules.StepContext:
    """What the rules need to know about the stored map, for the nodes and steps at hand;
    `changing` is the step being changed, whose own premises don't count as taken."""
    by_key = {n.key: n for n in nodes}

    def taken(premise: str, target: str) -> bool:
        node = by_key[premise]
        if target in steps:
            where = Premise.target_relation_id == steps[target].id
        else:
            where = Premise.target_node_id == by_key[target].id
        return session.exec(select(Premise.id).where(
            Premise.node_id == node.id, where, col(Premise.relation_id) != (changing or 0))
        ).first() is not None

    def step(ref: str) -> RelationData | None:
        return step_data(session, steps[ref]) if ref in steps else None

    return rules.StepContext(has_node=lambda key: key in by_key and by_key[key].map_id == map_id,
                             step=step, taken=taken)


def _store_step(session: Session, *, map_id: int, kind: str, premises: list[Node],
                target: Node | None = None, target_step: Relation | None = None,
                author: str | None = None) -> Relation:
    relation = Relation(map_id=map_id, kind=RelationKind(kind), author=author,  # kind: checked
                        target_node_id=target.id if target else None,
                        target_relation_id=target_step.id if target_step else None)
    session.add(relation)
    session.flush()
    session.add_all([Premise(map_id=map_id, relation_id=ident(relation), node_id=ident(p),
                             target_node_id=relation.target_node_id,
                             target_relation_id=relation.target_relation_id) for p in premises])
    session.flush()
    bump_revision(session, map_id=map_id)
    return relation


def add_relation(session: Session, *, map_id: int, kind: str, source_id: int,
                 target_id: int, author: str | None = None) -> Relation:
    """A support or attack from node `source_id` to node `target_id` (one premise)."""
    if kind not in (RelationKind.SUPPORT, RelationKind.ATTACK):
        raise InvalidInput(f"unknown relation kind {kind!r} (expected support or attack)",
                           field="kind")
    source = get_node(session, map_id=map_id, node_id=source_id)
    target = session.get(Node, target_id)
    if target is None:
        raise InvalidInput(f"no node {target_id}", field="target")
    if target.map_id != map_id:
        raise InvalidInput("the target node belongs to another map", field="target")
    step = RelationData(kind=kind, premises=(source.key,), target=target.key)
    rules.check_step(step, _context(session, map_id, [source, target], {}))
    return _store_step(session, map_id=map_id, kind=kind, premises=[source], target=target,
                       author=author)


def get_step(session: Session, *, map_id: int, relation_id: int) -> Relation:
    relation = session.get(Relation, relation_id)
    if relation is None or relation.map_id != map_id:
        raise InvalidInput("no such step in this map", field="relation")
    return relation


def add_undercut(session: Session, *, map_id: int, source_id: int, relation_id: int,
                 author: str | None = None) -> Relation:
    """Node `source_id` says that step `relation_id` (a support) does not follow."""
    source = get_node(session, map_id=map_id, node_id=source_id)
    target = get_step(session, map_id=map_id, relation_id=relation_id)
    target_data = step_data(session, target)
    step = RelationData(kind=RelationKind.UNDERCUT, premises=(source.key,),
                        target=target_data.ref)
    rules.check_step(step, _context(session, map_id, [source], {target_data.ref: target}))
    return _store_step(session, map_id=map_id, kind=RelationKind.UNDERCUT, premises=[source],
                       target_step=target, author=author)


def add_co_premise(session: Session, *, map_id: int, relation_id: int, node_id: int) -> Premise:
    """Node `node_id` joins step `relation_id` as a co-premise: the step now holds only with
    both (all) of its premises."""
    relation = get_step(session, map_id=map_id, relation_id=relation_id)
    node = session.get(Node, node_id)
    if node is None or node.map_id != map_id:
        raise rules.unknown_premise(node.key if node else str(node_id))
    current = step_data(session, relation)
    steps = {}
    if relation.target_relation_id is not None:
        target = session.get(Relation, relation.target_relation_id)
        steps[current.target] = target
        nodes = [node]
    else:
        nodes = [node, session.get(Node, relation.target_node_id)]
    joined = RelationData(kind=relation.kind, premises=(*current.premises, node.key),
                          target=current.target)
    known = session.exec(select(Node).where(Node.map_id == map_id,
                                            col(Node.key).in_(current.premises))).all()
    cutters = session.exec(select(Premise.node_id).where(
        col(Premise.target_relation_id) == relation.id, Premise.node_id == node.id)).first()
    if cutters is not None:  # it would undercut a step it is part of
        raise rules.RuleBroken(rules.OWN_STEP, key=node.key, field="premise", step=joined)
    rules.check_step(joined, _context(session, map_id, [*nodes, *known], steps,
                                      changing=relation.id))
    premise = Premise(map_id=map_id, relation_id=ident(relation), node_id=ident(node),
                      target_node_id=relation.target_node_id,
                      target_relation_id=relation.target_relation_id)
    session.add(premise)
    session.flush()
    bump_revision(session, map_id=map_id)
    return premise


def remove_co_premise(session: Session, *, map_id: int, relation_id: int, node_id: int) -> None:
    """Take one premise out of a linked step; with one premise left it is an ordinary step."""
    # The map's lock first: two people removing a step's last two premises at once must not
    # both see two and leave none.
    bump_revision(session, map_id=map_id)
    relation = get_step(session, map_id=map_id, relation_id=relation_id)
    premises = premises_of(session, relation_ids=[relation.id]).get(ident(relation), [])
    mine = next((p for p in premises if p.node_id == node_id), None)
    if mine is None:
        raise InvalidInput("that node is not a premise of this step", field="premise")
    if len(premises) == 1:
        raise InvalidInput("this is the step's only premise; delete the step instead",
                           field="premise")
    session.delete(mine)
    session.flush()
    bump_revision(session, map_id=map_id)


# --- versions and deletion ---------------------------------------------------------------


NODE_DELETED = ("Someone deleted this node while you were working on it. Your text is kept "
                "below: add it again if it still matters.")


def claim_version(session: Session, *, node: Node, expected: int | None) -> None:
    """Move the node to its next version, but only from the version the user saw.

    The check and the bump are one conditional UPDATE, so of two concurrent changes based on
    the same version (two edits, or an edit and a delete) exactly one wins; the other gets a
    Conflict carrying the winner's version.
    """
    query = update(Node).where(col(Node.id) == node.id)
    if expected is not None:
        query = query.where(col(Node.version) == expected)
    if session.exec(query.values(version=Node.version + 1)).rowcount == 0:
        # One read tells a delete that won (no row) from a newer version (shown to merge).
        current = session.exec(select(Node).where(Node.id == node.id)
                               .execution_options(populate_existing=True)).first()
        if current is None:
            raise Conflict(NODE_DELETED)
        raise Conflict("Someone else changed this node while you were editing it.",
                       current=current)
    set_committed_value(node, "version", session.exec(
        select(Node.version).where(Node.id == node.id)).one())


def doomed_steps(session: Session, *, node_id: int) -> tuple[list[Relation], list[Premise]]:
    """What deleting a node removes: the steps that go with it (aimed at it, or with it as
    their only premise, and the undercuts of those, dependants first) and the premise rows
    it leaves in linked steps that stay."""
    own = session.exec(select(Premise).where(Premise.node_id == node_id)).all()
    premises = premises_of(session, relation_ids=[p.relation_id for p in own])
    sole = [p.relation_id for p in own if len(premises[p.relation_id]) == 1]
    kept = [p for p in own if len(premises[p.relation_id]) > 1]
    steps = list(session.exec(select(Relation).where(or_(
        col(Relation.target_node_id) == node_id, col(Relation.id).in_(sole)))).all())
    # Only support steps are undercut, and an undercut is no support: one level is all.
    undercuts = session.exec(select(Relation).where(
        col(Relation.target_relation_id).in_([s.id for s in steps]))).all()
    return steps + [u for u in undercuts if u not in steps], kept


def delete_node(session: Session, *, map_id: int, node_id: int,
                expected_version: int | None = None) -> None:
    """Delete a node with the steps that go with it (see doomed_steps).

    Its version is claimed first, like an edit, so an edit and a delete of one node are never
    both acknowledged. Rows go through the session, dependants first, so that history records
    every one of them (the database would cascade the same way).
    """
    node = get_node(session, map_id=map_id, node_id=node_id)
    claim_version(session, node=node, expected=expected_version)
    bump_revision(session, map_id=map_id)  # the map's lock, before counting premises
    steps, kept = doomed_steps(session, node_id=ident(node))
    premises = premises_of(session, relation_ids=[s.id for s in steps])
    for step in reversed(steps):
        for row in premises.get(ident(step), []):
            session.delete(row)
        session.flush()
        session.delete(step)
        session.flush()
    for row in [*kept, node]:
        session.delete(row)
        session.flush()
    bump_revision(session, map_id=map_id)
