"""What others changed on a map since a browser last looked: a line per change in words
("Chris added an objection to “…”") and the keys of the nodes added or edited, from the map's
history. Bounded: the newest few changes, a capped number of keys."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from argmap.models import Change, Node

SCAN = 20  # changes read at most; older ones are counted, not described
KEYS = 100  # node keys handed to the browser at most
SAID = 3  # changes put into words at most
SHORT = 50  # characters of a node's text in a line

# What a new node is to the node it joins, by the relation's kind and the node's kind.
NOUNS = {("attack", "rebuttal"): "an objection", ("attack", "claim"): "an objection",
         ("support", "evidence"): "evidence", ("support", "claim"): "a reason",
         ("undercut", "claim"): "an undercut", ("undercut", "rebuttal"): "an undercut"}


@dataclass(frozen=True)
class News:
    latest: int  # the newest change id of the map (0: none yet)
    lines: tuple[str, ...]  # the newest changes by others, newest first, in words
    more: int  # changes by others not put into words
    added: tuple[str, ...]  # keys of nodes others added (still there or not)
    edited: tuple[str, ...]  # keys of nodes others edited


def latest_change(session: Session, *, map_id: int) -> int:
    newest = session.exec(select(func.max(Change.id)).where(Change.map_id == map_id)).one()
    return int(newest or 0)


def nothing_new(session: Session, *, map_id: int) -> News:
    """No news, as of the map's newest change: what a page shows before its script asks."""
    return News(latest_change(session, map_id=map_id), (), 0, (), ())


def news(session: Session, *, map_id: int, since: int, me: int | None) -> News:
    """The changes after change `since` that someone other than user `me` made."""
    latest = latest_change(session, map_id=map_id)
    if since >= latest:
        return News(latest, (), 0, (), ())
    query = select(Change).where(Change.map_id == map_id, col(Change.id) > since)
    if me is not None:
        query = query.where((col(Change.user_id).is_(None)) | (col(Change.user_id) != me))
    count = select(func.count()).select_from(query.subquery())
    total = session.exec(count).one()
    found = session.exec(query.order_by(col(Change.id).desc()).limit(SCAN)).all()
    texts = _node_texts(session, map_id=map_id)
    added: dict[str, None] = {}
    edited: dict[str, None] = {}
    lines = []
    for item in found:
        line, new, changed = _read(item, texts)
        lines.append(line)
        added.update(dict.fromkeys(new))
        edited.update(dict.fromkeys(k for k in changed if k not in added))
    said = tuple(lines[:SAID])
    return News(latest, said, total - len(said), tuple(added)[:KEYS],
                tuple(k for k in edited if k not in added)[:KEYS])


def _node_texts(session: Session, *, map_id: int) -> dict[int, tuple[str, str]]:
    rows = session.exec(select(Node.id, Node.key, Node.title, Node.text)
                        .where(Node.map_id == map_id)).all()
    return {i: (key, title or text) for i, key, title, text in rows if i is not None}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= SHORT else text[:SHORT - 1].rstrip() + "\u2026") + \
        "\u201d"


def _read(change: Change, texts: dict[int, tuple[str, str]]):
    """(the change in words, keys of nodes it added, keys of nodes it edited)."""
    rows = change.row_list()
    names = {**{i: t for i, (_k, t) in texts.items()},
             **{i: (v.get("title") or v["text"]) for t, i, b, a in rows if t == "node"
                for v in [a or b]}}
    new = [(i, a) for t, i, b, a in rows if t == "node" and b is None and a]
    edited = [a["key"] for t, _i, b, a in rows if t == "node" and b and a]
    gone = [b for t, _i, b, a in rows if t == "node" and b and a is None]
    who = change.actor
    if change.reverts_id is not None:
        line = f"{who} undid \u201c{change.action.removeprefix('Reverted: ')}\u201d"
    elif new:
        ident, node = new[0]
        step = next((a for t, _i, b, a in rows if t == "relation" and b is None and a
                     and _premise_of(rows, a, ident)), None)
        noun = NOUNS.get((step["kind"], node["kind"]), f"a {node['kind']}") if step else None
        if step and step.get("target_node_id") in names:
            line = f"{who} added {noun} to {_short(names[step['target_node_id']])}"
        elif step:
            line = f"{who} added {noun} to a step"
        else:
            line = f"{who} added a {node['kind']}, {_short(node.get('title') or node['text'])}"
    elif gone:
        line = f"{who} deleted {_short(gone[0].get('title') or gone[0]['text'])}"
    elif edited:
        key = next((i for t, i, b, a in rows if t == "node" and b and a), None)
        line = f"{who} edited {_short(names.get(key, edited[0]))}"
    else:
        line = f"{who}: {change.action.rstrip('.')}"
    return line, [a["key"] for _i, a in new], edited


def _premise_of(rows: list, relation: dict, node_id: int) -> bool:
    """Whether the node is a premise of the relation (a row of this change says so)."""
    return any(t == "premise" and (a or {}).get("node_id") == node_id
               and (a or {}).get("relation_id") == relation["id"] for t, _i, _b, a in rows)
