"""Compound edits behind the node panel: each adds or changes a node together with its
relation or citation, so the caller's one transaction covers the whole change.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from argmap.domain import nodes, rules
from argmap.domain.maps import bump_revision
from argmap.domain.nodes import (
    add_node,
    add_relation,
    add_undercut,
    claim_version,
    delete_node,
    doomed_steps,
    premises_of,
)
from argmap.domain.passages import paragraphs, resolve_passage
from argmap.errors import Conflict, InvalidInput, NotFound
from argmap.models import (
    Map,
    Node,
    NodeKind,
    NodeUpdate,
    Premise,
    Relation,
    RelationKind,
    Source,
    SourceCreate,
    ident,
    utcnow,
    validate,
    whole_number,
)


def node_by_key(session: Session, *, map_id: int, key: str) -> Node:
    node = session.exec(select(Node).where(Node.map_id == map_id, Node.key == key)).first()
    if node is None:
        raise NotFound(f"no node '{key}' in this map")
    return node


def node_exists(session: Session, *, map_id: int, key: str) -> bool:
    return session.exec(select(Node.id).where(Node.map_id == map_id, Node.key == key)
                        ).first() is not None


@dataclass(frozen=True)
class Citation:
    document: str = ""
    locator: str = ""
    quote: str = ""
    url: str = ""
    note: str = ""

    def cleaned(self) -> dict:
        return {"document": self.document.strip(), "locator": self.locator.strip(),
                "quote": self.quote.strip() or None, "url": self.url.strip() or None,
                "note": self.note.strip() or None}

    @property
    def empty(self) -> bool:
        return not any(v for v in self.cleaned().values())


def _next_source_key(session: Session, map_id: int) -> str:
    count = session.exec(select(func.count(col(Source.id))).where(Source.map_id == map_id)).one()
    taken = set(session.exec(select(Source.key).where(Source.map_id == map_id)).all())
    n = count + 1
    while f"src-{n}" in taken:
        n += 1
    return f"src-{n}"


def add_source(session: Session, *, map_id: int, citation: Citation) -> Source:
    bump_revision(session, map_id=map_id)  # take the map's write lock before choosing a key
    values = validate(SourceCreate, {"key": _next_source_key(session, map_id),
                                     **citation.cleaned()})
    source = Source(map_id=map_id, **values.model_dump())
    session.add(source)
    session.flush()
    return source


def add_free_node(session: Session, *, map_id: int, kind: str, text: str,
                  citation: Citation | None = None, author: str | None = None,
                  by_id: int | None = None, title: str | None = None) -> Node:
    """A node with its citation (if any), not yet connected to other nodes."""
    source_id = None
    if citation is not None and not citation.empty:
        _check_node(kind, text)  # report a bad text before a bad citation
        source_id = add_source(session, map_id=map_id, citation=citation).id
    return add_node(session, map_id=map_id, kind=kind, text=text, title=title, author=author,
                    source_id=source_id, by_id=by_id)


def add_argument(session: Session, *, map_id: int, target_key: str, relation: str, kind: str,
                 text: str, citation: Citation | None = None, author: str | None = None,
                 by_id: int | None = None, title: str | None = None) -> Node:
    """A new node that supports or attacks the node `target_key`."""
    target = node_by_key(session, map_id=map_id, key=target_key)
    if kind == NodeKind.THESIS:
        raise InvalidInput("a thesis is what the map argues for; add a claim instead",
                           field="kind")
    node = add_free_node(session, map_id=map_id, kind=kind, text=text, citation=citation,
                         author=author, by_id=by_id, title=title)
    add_relation(session, map_id=map_id, kind=relation, source_id=ident(node),
                 target_id=ident(target), author=author)
    return node


def add_connected_node(session: Session, *, map_id: int, kind: str, text: str,
                       citation: Citation | None = None, parent_key: str = "",
                       relation: str = "", author: str | None = None,
                       by_id: int | None = None, title: str | None = None) -> Node:
    """A new node, supporting or attacking `parent_key` when a relation is given (as when a
    node someone deleted is offered again in its old place), else unconnected."""
    if not relation:
        return add_free_node(session, map_id=map_id, kind=kind, text=text, citation=citation,
                             author=author, by_id=by_id, title=title)
    if relation not in (RelationKind.SUPPORT, RelationKind.ATTACK):
        raise InvalidInput("choose supports, attacks or not connected", field="relation")
    if not node_exists(session, map_id=map_id, key=parent_key):
        raise InvalidInput("that node is no longer in the map: choose \u201cnot connected\u201d",
                           field="relation")
    return add_argument(session, map_id=map_id, target_key=parent_key, relation=relation,
                        kind=kind, text=text, citation=citation, author=author, by_id=by_id,
                        title=title)


def add_undercutter(session: Session, *, map_id: int, relation_id: int, text: str,
                    author: str | None = None, by_id: int | None = None,
                    title: str | None = None) -> Node:
    """A new rebuttal saying that the support relation `relation_id` does not follow."""
    relation = session.get(Relation, relation_id)
    if relation is None:  # the form offered it, so someone removed it since
        raise Conflict("The step you were undercutting has been removed by someone else in "
                       "the meantime; nothing was added.")
    if relation.map_id != map_id:  # what kind of step it may be is a rule (argmap/domain/rules.py)
        raise InvalidInput("choose a step of this map", field="relation")
    node = add_node(session, map_id=map_id, kind=NodeKind.REBUTTAL, text=text, title=title,
                    author=author, by_id=by_id)
    add_undercut(session, map_id=map_id, source_id=ident(node), relation_id=relation_id,
                 author=author)
    return node


def add_co_premise(session: Session, *, map_id: int, relation_id: int, text: str = "",
                   premise_key: str = "", author: str | None = None,
                   by_id: int | None = None) -> Node:
    """A co-premise for step `relation_id`: an existing node, or a new claim with `text`."""
    relation = session.get(Relation, relation_id)
    if relation is None:  # the form offered it, so someone removed it since
        raise Conflict("The step you were adding to has been removed by someone else in the "
                       "meantime; nothing was added.")
    if premise_key and text.strip():
        raise InvalidInput("give a new claim or choose an existing node, not both",
                           field="premise")
    if premise_key:
        node = session.exec(select(Node).where(Node.map_id == map_id, Node.key == premise_key)
                            ).first()
        if node is None:
            raise rules.unknown_premise(premise_key)
    else:
        node = add_node(session, map_id=map_id, kind=NodeKind.CLAIM, text=text, author=author,
                        by_id=by_id)
    nodes.add_co_premise(session, map_id=map_id, relation_id=relation_id, node_id=ident(node))
    return node


def remove_co_premise(session: Session, *, map_id: int, relation_id: int,
                      premise_key: str) -> Node:
    node = node_by_key(session, map_id=map_id, key=premise_key)
    if session.get(Relation, relation_id) is None:
        raise Conflict("That step has been removed by someone else in the meantime.")
    nodes.remove_co_premise(session, map_id=map_id, relation_id=relation_id,
                            node_id=ident(node))
    return node


def connect(session: Session, *, map_id: int, source_key: str, target_key: str,
            kind: str, author: str | None = None) -> Relation:
    """A cross-link from one existing node to another."""
    source = node_by_key(session, map_id=map_id, key=source_key)
    if not target_key:
        raise InvalidInput("choose the node to connect to", field="target")
    target = session.exec(select(Node).where(Node.key == target_key, Node.map_id == map_id)
                          ).first()
    if target is None:
        raise rules.unknown_target(source_key, target_key)
    return add_relation(session, map_id=map_id, kind=kind, source_id=ident(source),
                        target_id=ident(target), author=author)


def edit_node(session: Session, *, map_id: int, key: str, kind: str, text: str,
              title: str = "", citation: Citation | None = None,
              passage: tuple[str, str] | None = None,
              expected_version: int | None = None) -> Node:
    """Change a node's kind, text, title, citation and passage.

    An empty citation removes it. `passage` is (paragraph number, exact phrase) as typed; an
    empty phrase removes the passage.
    """
    node = node_by_key(session, map_id=map_id, key=key)
    values = _check_node(kind, text, title)
    claim_version(session, node=node, expected=expected_version)
    if passage is not None:
        _set_passage(session, node=node, paragraph=passage[0], quote=passage[1])
    if citation is not None:
        node.source_id = _cite(session, node=node, citation=citation)
    if values.kind == NodeKind.EVIDENCE and node.source_id is None:
        raise InvalidInput("evidence must cite a source: fill in the document and locator",
                           field="document")
    node.sqlmodel_update(values.model_dump(exclude_unset=True))
    node.updated_at = utcnow()
    session.add(node)
    session.flush()
    bump_revision(session, map_id=map_id)
    return node


def _set_passage(session: Session, *, node: Node, paragraph: str, quote: str) -> None:
    quote = quote.strip()
    if not quote:
        node.passage_paragraph = node.passage_quote = None
        node.passage_start = node.passage_end = None
        return
    paragraph = paragraph.strip()
    number = whole_number(paragraph, maximum=100_000) if paragraph else None
    if paragraph and number is None:
        raise InvalidInput("give the paragraph as a number", field="passage_paragraph")
    checked = validate(NodeUpdate, {"passage_paragraph": number, "passage_quote": quote})
    if (number, quote) == (node.passage_paragraph, node.passage_quote) and \
            node.passage_start is not None:
        return  # unchanged: keep the anchor, which may be the exact passage selected
    text = session.exec(select(Map.source_text).where(Map.id == node.map_id)).one()
    start = end = None
    if text:
        try:
            start, end = resolve_passage(text, paragraph=number, quote=quote)
        except InvalidInput as exc:
            raise InvalidInput(str(exc), field="passage_quote") from exc
        if number is None:  # remember which paragraph the phrase was found in
            number = next(i for i, (a, b) in enumerate(paragraphs(text), 1) if a <= start < b)
    node.passage_paragraph, node.passage_quote = number, checked.passage_quote
    node.passage_start, node.passage_end = start, end


def _check_node(kind: str, text: str, title: str = "") -> NodeUpdate:
    return validate(NodeUpdate, {"kind": kind, "text": (text or "").strip(),
                                 "title": (title or "").strip() or None})


def _cite(session: Session, *, node: Node, citation: Citation) -> int | None:
    """Point the node at its edited citation without changing other nodes' citations."""
    if citation.empty:
        return None
    current = session.get(Source, node.source_id) if node.source_id else None
    if current is not None:
        shared = session.exec(select(func.count(col(Node.id))).where(
            Node.source_id == current.id, Node.id != node.id)).one()
        if not shared:
            values = validate(SourceCreate, {"key": current.key, **citation.cleaned()})
            for name in ("document", "locator", "quote", "url", "note"):
                setattr(current, name, getattr(values, name))
            session.add(current)
            return current.id
    return add_source(session, map_id=node.map_id, citation=citation).id


@dataclass(frozen=True)
class DeleteEffects:
    """What deleting a node does, for the confirmation step."""

    relations: int  # the steps that go with it: its own, and those aimed at it
    undercuts: int  # undercuts by other nodes on those steps, removed with them
    arguing: tuple[Node, ...]  # nodes that support, attack or undercut it
    stranded: tuple[Node, ...]  # of those and the undercutters, the ones left unconnected
    linked: int = 0  # linked steps it leaves, which go on with their other premises


def delete_effects(session: Session, *, map_id: int, key: str) -> DeleteEffects:
    """A fixed number of queries whatever the node's size."""
    node = node_by_key(session, map_id=map_id, key=key)
    steps, kept = doomed_steps(session, node_id=ident(node))
    undercuts = [s for s in steps if s.target_relation_id is not None]
    removed = {s.id for s in steps}
    premises = premises_of(session, relation_ids=list(removed))
    aimed = {s.id for s in steps if s.target_node_id == node.id}
    affected_ids = {p.node_id for s in steps for p in premises.get(ident(s), [])
                    if s.id in aimed or s in undercuts} - {node.id}
    affected = session.exec(select(Node).where(col(Node.id).in_(affected_ids))
                            .order_by(col(Node.id))).all()
    # Who stays connected: a premise of a step that stays, or the target of one.
    staying = session.exec(select(Premise.node_id, Premise.target_node_id).where(
        col(Premise.relation_id).not_in(removed),
        or_(col(Premise.node_id).in_(affected_ids),
            col(Premise.target_node_id).in_(affected_ids)))).all()
    linked = {n for pair in staying for n in pair}
    arguing_ids = {p.node_id for s in steps if s.id in aimed
                   for p in premises.get(ident(s), [])}
    arguing = tuple(n for n in affected if n.id in arguing_ids)
    return DeleteEffects(relations=len(steps) - len(undercuts), undercuts=len(undercuts),
                         arguing=arguing, stranded=tuple(n for n in affected
                                                         if n.id not in linked),
                         linked=len(kept))


def delete_by_key(session: Session, *, map_id: int, key: str,
                  expected_version: int | None = None) -> None:
    node = node_by_key(session, map_id=map_id, key=key)
    delete_node(session, map_id=map_id, node_id=ident(node), expected_version=expected_version)
