"""History: every change to a map's contents is recorded with who made it, the rows before and
after, and can be reverted.

Rows are captured by a session event while a change is being recorded, so cascades, citations
and relations are caught whichever domain function touched them. Reverting applies the
before-states, after checking that nobody changed those rows since.
"""

import json
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

from sqlalchemy import event, inspect, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from argmap.domain.maps import bump_revision
from argmap.errors import Conflict, NotFound
from argmap.models import Change, Map, Node, Premise, Relation, Source, User
from argmap.sessions import transaction

TRACKED = {"source": Source, "node": Node, "relation": Relation, "premise": Premise,
           "map": Map}
BOOKKEEPING = {"revision", "updated_at", "version"}  # not content: never compared or restored


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _snapshot(obj, before: bool = False) -> dict:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        value = getattr(obj, attr.key)
        if before:
            changed = state.attrs[attr.key].history
            if changed.deleted:
                value = changed.deleted[0]
        values[attr.key] = _plain(value)
    return values


def _table(obj) -> str | None:
    for name, model in TRACKED.items():
        if isinstance(obj, model):
            return name
    return None


@event.listens_for(Session, "after_flush")
def _capture(session: Session, _context) -> None:
    log = session.info.get("history")
    if log is None:
        return
    for group, kind in ((session.new, "new"), (session.dirty, "dirty"),
                        (session.deleted, "deleted")):
        for obj in group:
            table = _table(obj)
            if table is None or (kind == "dirty" and not session.is_modified(obj)):
                continue
            key = (table, inspect(obj).identity[0] if kind != "new" else obj.id)
            before = None if kind == "new" else _snapshot(obj, before=kind == "dirty")
            after = None if kind == "deleted" else _snapshot(obj)
            first = log.get(key)
            log[key] = [first[0] if first else before, after]


@overload
def _content(row: dict) -> dict: ...
@overload
def _content(row: None) -> None: ...
def _content(row: dict | None) -> dict | None:
    return None if row is None else {k: v for k, v in row.items() if k not in BOOKKEEPING}


@contextmanager
def change(session: Session, *, map_id: int, user: User | None, action: str):
    """One change to a map's contents, whole or not at all: one transaction that records it
    in the history and moves the map's revision. Every content change goes through here, so
    none can forget either; yields what `recording` yields."""
    with transaction(session), recording(session, map_id=map_id, user=user,
                                         action=action) as extra:
        yield extra
        bump_revision(session, map_id=map_id)


@contextmanager
def recording(session: Session, *, map_id: int, user: User | None, action: str):
    """Record what the block changes as one Change; yields a dict for extra node keys."""
    session.info["history"] = {}
    extra: dict = {"node_keys": set()}
    try:
        yield extra
        session.flush()
        log = session.info["history"]
    finally:
        session.info.pop("history", None)
    rows = [[t, i, b, a] for (t, i), (b, a) in log.items()
            if _content(b) != _content(a) and not (t == "map" and b is None)]
    if not rows:
        return
    keys = set(extra["node_keys"]) | {(r[2] or r[3])["key"] for r in rows if r[0] == "node"}
    change = Change(map_id=map_id, user_id=user.id if user else None,
                    actor=user.label if user else "someone",
                    action=str(extra.get("action") or action)[:200],
                    node_keys="," + ",".join(sorted(keys)) + ",", rows=json.dumps(rows))
    session.add(change)
    session.flush()
    extra["change"] = change


def changes(session: Session, *, map_id: int, node_key: str | None = None,
            limit: int = 100) -> list[Change]:
    query = select(Change).where(Change.map_id == map_id)
    if node_key:
        query = query.where(col(Change.node_keys).contains(f",{node_key},"))
    return list(session.exec(query.order_by(col(Change.id).desc()).limit(limit)).all())


def _parse(model, values: dict) -> dict:
    columns = inspect(model).columns
    parsed = {}
    for name, value in values.items():
        column_type = columns[name].type
        kind = getattr(column_type, "impl", column_type).python_type  # under TypeDecorators
        if value is not None and kind in (datetime, date):
            value = kind.fromisoformat(value)
        parsed[name] = value
    return parsed


BLOCKER_SCAN = 1000  # later changes searched for the one that blocks a revert


def _blocker(session: Session, change: Change, table: str, row_id: int) -> str:
    """Which later change touched the row, named for the message ("change 57, ...")."""
    later = session.exec(select(Change).where(Change.map_id == change.map_id,
                                              col(Change.id) > change.id)
                         .order_by(col(Change.id).desc()).limit(BLOCKER_SCAN)).all()
    for other in later:
        if any(t == table and i == row_id for t, i, _b, _a in other.row_list()):
            return f"change {other.id} (\u201c{other.action}\u201d)"
    return "a newer change"


def _check_unchanged(session: Session, change: Change, rows: list) -> None:
    for table, row_id, _before, after in rows:
        current = session.get(TRACKED[table], row_id)
        now = _snapshot(current) if current is not None else None
        if _content(now) != _content(after):
            raise Conflict(f"Cannot revert: a {table} it touched was changed again by "
                           f"{_blocker(session, change, table, row_id)}; revert that first.")
    inserted_nodes = {i for t, i, b, _a in rows if t == "node" and b is None}
    inserted_relations = {i for t, i, b, _a in rows if t == "relation" and b is None}
    inserted_premises = {i for t, i, b, _a in rows if t == "premise" and b is None}
    if inserted_nodes or inserted_relations:
        dependants = session.exec(select(Relation.id).where(or_(
            col(Relation.target_node_id).in_(inserted_nodes),
            col(Relation.target_relation_id).in_(inserted_relations)))).all()
        # Premises added since, to what this change added (a co-premise, a new step).
        premises = session.exec(select(Premise.id).where(or_(
            col(Premise.node_id).in_(inserted_nodes),
            col(Premise.relation_id).in_(inserted_relations)))).all()
        newer_relations = {i for i in dependants if i is not None} - inserted_relations
        newer_premises = {i for i in premises if i is not None} - inserted_premises
        if newer_relations or newer_premises:
            table, row_id = (("relation", min(newer_relations)) if newer_relations
                             else ("premise", min(newer_premises)))
            raise Conflict(f"Cannot revert: other arguments were connected to what it added "
                           f"by {_blocker(session, change, table, row_id)}; revert that "
                           "first.")
    # Taking premises out must leave each step that stays at least one premise.
    emptied = {(a or {}).get("relation_id") for t, _i, b, a in rows
               if t == "premise" and b is None} - inserted_relations - {None}
    for relation_id in (i for i in emptied if i is not None):
        left = session.exec(select(Premise.id).where(
            Premise.relation_id == relation_id,
            col(Premise.id).not_in(inserted_premises))).first()
        if left is None:
            raise Conflict("Cannot revert: it would leave a step with no premises, because "
                           "its other premises were taken out by "
                           f"{_blocker(session, change, 'relation', relation_id)}; revert "
                           "that first.")


def _order(rows: list, removing: bool) -> list:
    """Rows in an order the foreign keys accept: dependants go first when removing."""
    def rank(row):
        table, _id, before, after = row
        values = before or after
        level = {"source": 0, "map": 0, "node": 1, "relation": 2, "premise": 2.5}[table]
        if values.get("target_relation_id"):  # an undercut, or one of its premises
            level += 1
        return -level if removing else level
    return sorted(rows, key=rank)


def revert(session: Session, *, map_id: int, change_id: int, user: User | None) -> Change:
    change = session.get(Change, change_id)
    if change is None or change.map_id != map_id:
        raise NotFound(f"no change {change_id} in this map")
    if change.reverted_by_id is not None:
        raise Conflict("This change has already been reverted.")
    rows = change.row_list()
    _check_unchanged(session, change, rows)
    with recording(session, map_id=map_id, user=user,
                   action=f"Reverted: {change.action}") as extra:
        extra["node_keys"] = set(filter(None, change.node_keys.split(",")))
        for table, row_id, _before, _after in _order([r for r in rows if r[2] is None], True):
            row = session.get(TRACKED[table], row_id)
            if row is not None:  # a step goes with its last premise (the database does it)
                session.delete(row)
                session.flush()
        try:
            for table, _id, before, _after in _order([r for r in rows if r[3] is None], False):
                session.add(TRACKED[table](**_parse(TRACKED[table], before)))
                session.flush()
            for table, row_id, before, _after in [r for r in rows if r[2] and r[3]]:
                current = session.get(TRACKED[table], row_id)
                for name, value in _parse(TRACKED[table], _content(before)).items():
                    setattr(current, name, value)
                session.add(current)
            session.flush()
        except IntegrityError as exc:
            raise Conflict("Cannot revert: the map now holds something that clashes with "
                           "what this change removed (the same relation, say).") from exc
        bump_revision(session, map_id=map_id)
    undo = extra["change"]
    undo.reverts_id = change.id
    change.reverted_by_id = undo.id
    session.add_all([undo, change])
    session.flush()
    return undo


def last_change_by(session: Session, *, map_id: int, user: User) -> Change:
    change = session.exec(select(Change).where(
        Change.map_id == map_id, Change.user_id == user.id, col(Change.reverted_by_id).is_(None),
        col(Change.reverts_id).is_(None)).order_by(col(Change.id).desc())).first()
    if change is None:
        raise NothingToUndo("you have no change on this map left to undo")
    return change


class NothingToUndo(NotFound):
    """The person has made no change here that is still standing."""


@dataclass(frozen=True)
class Entry:
    """One change as the history view shows it."""

    change: Change
    lines: tuple[tuple[str, str | None, str | None], ...]  # (what, before, after)


def node_keys(session: Session, *, map_id: int) -> dict[int, str]:
    """The map's node ids and keys, to name the nodes of relations in the history."""
    rows = session.exec(select(Node.id, Node.key).where(Node.map_id == map_id)).all()
    return {ident: key for ident, key in rows if ident is not None}


def summary(session: Session, change: Change, *, map_id: int) -> str:
    """What a change did, in a line: what an undo says it undid."""
    whats = [what for what, _b, _a in describe(change, node_keys(session, map_id=map_id)).lines]
    more = f" and {len(whats) - 2} more" if len(whats) > 2 else ""
    return ", ".join(whats[:2]) + more if whats else change.action


def describe(change: Change, keys: Mapping[int, str] | None = None) -> Entry:
    """The change's lines; `keys` (node id -> key) name the nodes a relation links."""
    lines = []
    rows = change.row_list()
    steps = {row_id for table, row_id, _b, _a in rows if table == "relation"}
    names = {**(keys or {}), **{row_id: (before or after)["key"]
                                for table, row_id, before, after in rows if table == "node"}}
    premises: dict[int, list[str]] = {}
    for table, _id, before, after in rows:
        if table == "premise":
            values = before or after
            premises.setdefault(values["relation_id"], []).append(
                names.get(values["node_id"], "a node"))
    for table, _id, before, after in rows:
        if table == "node":
            key = (before or after)["key"]
            if before is None:
                lines.append((f"added {after['kind']} {key}", None, after["text"]))
            elif after is None:
                lines.append((f"deleted {before['kind']} {key}", before["text"], None))
            else:
                for name in ("kind", "title", "text", "source_id", "passage_quote"):
                    if before.get(name) != after.get(name):
                        lines.append((f"{name} of {key}", before.get(name), after.get(name)))
        elif table == "relation":
            values = before or after
            target = (names.get(values.get("target_node_id"), "a node")
                      if values.get("target_node_id") is not None else "a step")
            link = f"{' + '.join(premises.get(_id, [])) or 'a node'} \u2192 {target}"
            lines.append((f"{'added' if before is None else 'removed'} "
                          f"{values['kind']}: {link}", None, None)
                         if before is None or after is None else (f"relation {link}", None,
                                                                  None))
        elif table == "premise":
            if (before or after)["relation_id"] not in steps:  # a new step's own premises
                lines.append((f"{'added' if before is None else 'removed'} a co-premise",
                              None, None))
        elif table == "source":
            values = after or before
            lines.append((f"citation {values['document']}, {values['locator']}",
                          before and before.get("quote"), after and after.get("quote")))
        elif table == "map" and before and after:
            for name in ("title", "source_text", "visibility"):
                if before.get(name) != after.get(name):
                    lines.append((f"map {name.replace('_', ' ')}", before.get(name),
                                  after.get(name)))
    return Entry(change, tuple(lines))
