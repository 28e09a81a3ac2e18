"""What the history keeps about a node that is no longer in the map: who deleted it and when,
what it said, and what it argued about, so that a panel left open on it can say so and
offer what someone was typing as a new node in the same place.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from argmap.domain.history import changes
from argmap.models import Change, Node, Relation, RelationKind

SCAN = 20  # the node's latest changes searched for its deletion


@dataclass(frozen=True)
class Deletion:
    """The change that deleted a node, and where the node stood in the map."""

    change: Change
    kind: str
    title: str | None
    text: str
    parent_key: str | None = None  # a node it supported or attacked that is still there
    relation: str | None = None  # support or attack: how it stood to that node


def deletion(session: Session, *, map_id: int, key: str) -> Deletion | None:
    """How the node `key` left the map; None when the history does not tell (it never
    existed, or its deletion is older than the changes searched)."""
    for change in changes(session, map_id=map_id, node_key=key, limit=SCAN):
        rows = change.row_list()
        gone = next((r for r in rows if r[0] == "node" and r[2] and r[3] is None
                     and r[2]["key"] == key), None)
        if gone is None:
            continue
        before = gone[2]
        parent_key, relation = _former_parent(session, map_id, rows, node_id=gone[1])
        return Deletion(change=change, kind=before["kind"], title=before.get("title"),
                        text=before["text"], parent_key=parent_key, relation=relation)
    return None


def _former_parent(session: Session, map_id: int, rows: list,
                   node_id: int) -> tuple[str | None, str | None]:
    """The first node the deleted one supported or attacked that still exists."""
    steps = {r[1]: r[2] for r in rows if r[0] == "relation" and r[2] and r[3] is None}
    for table, _id, before, after in rows:
        if table != "premise" or not before or after is not None:
            continue
        step = steps.get(before["relation_id"]) or _live_step(session, before["relation_id"])
        if (before["node_id"] != node_id or step is None or step.get("target_node_id") is None
                or step["kind"] not in (RelationKind.SUPPORT, RelationKind.ATTACK)):
            continue
        parent = session.exec(select(Node.key).where(
            Node.map_id == map_id, col(Node.id) == step["target_node_id"])).first()
        if parent is not None:
            return parent, step["kind"]
    return None, None


def _live_step(session: Session, relation_id: int) -> dict | None:
    """A linked step the node was one premise of, which went on without it."""
    step = session.get(Relation, relation_id)
    return None if step is None else {"kind": step.kind, "target_node_id": step.target_node_id}
