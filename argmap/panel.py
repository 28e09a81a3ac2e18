"""What the node panel shows: a node, its citation and passage, and its relations, read in a
fixed number of queries however many relations the node has.
"""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from argmap.editing import node_by_key
from argmap.models import Map, Node, Relation, RelationKind, Source


@dataclass(frozen=True)
class Link:
    """One relation as seen from the panel's node."""

    id: int
    kind: str
    other: Node | None  # the node at the other end (None for an undercut of an inference)
    inference: tuple[Node, Node] | None = None  # for undercuts: the support it targets


@dataclass(frozen=True)
class NodePanel:
    node: Node
    source: Source | None
    passage: str | None  # the sentence of the map's text, once the text is attached
    outgoing: tuple[Link, ...]  # what this node supports, attacks or undercuts
    incoming: tuple[Link, ...]  # what supports or attacks this node
    undercuts: tuple[Link, ...]  # rebuttals saying one of this node's inferences fails
    inferences: tuple[Link, ...]  # support relations touching this node (undercut targets)


def node_panel(session: Session, *, found: Map, key: str) -> NodePanel:
    node = node_by_key(session, map_id=found.id, key=key)
    source = session.get(Source, node.source_id) if node.source_id else None
    own = session.exec(select(Relation).where(or_(
        Relation.source_node_id == node.id, Relation.target_node_id == node.id))
        .order_by(Relation.id)).all()
    undercut_targets = [r.target_relation_id for r in own if r.kind == RelationKind.UNDERCUT]
    supports = [r.id for r in own if r.kind == RelationKind.SUPPORT]
    related = session.exec(select(Relation).where(or_(
        Relation.id.in_(undercut_targets), Relation.target_relation_id.in_(supports)))).all()
    relations = {r.id: r for r in [*own, *related]}
    node_ids = {i for r in relations.values() for i in (r.source_node_id, r.target_node_id)}
    nodes = {n.id: n for n in session.exec(select(Node).where(Node.id.in_(node_ids))).all()}
    nodes[node.id] = node

    def inference(relation_id: int) -> tuple[Node, Node]:
        rel = relations[relation_id]
        return nodes[rel.source_node_id], nodes[rel.target_node_id]

    outgoing, incoming, undercuts = [], [], []
    for rel in own:
        if rel.source_node_id == node.id:
            if rel.kind == RelationKind.UNDERCUT:
                outgoing.append(Link(rel.id, rel.kind, None, inference(rel.target_relation_id)))
            else:
                outgoing.append(Link(rel.id, rel.kind, nodes[rel.target_node_id]))
        else:
            incoming.append(Link(rel.id, rel.kind, nodes[rel.source_node_id]))
    for rel in related:
        if rel.target_relation_id in supports:
            undercuts.append(Link(rel.id, rel.kind, nodes[rel.source_node_id],
                                  inference(rel.target_relation_id)))
    passage = None
    if found.source_text and node.passage_start is not None:
        passage = found.source_text[node.passage_start:node.passage_end]
    return NodePanel(
        node=node, source=source, passage=passage, outgoing=tuple(outgoing),
        incoming=tuple(incoming), undercuts=tuple(undercuts),
        inferences=tuple(Link(r.id, r.kind, None, inference(r.id)) for r in own
                         if r.kind == RelationKind.SUPPORT))
