"""What the node panel shows: a node, its citation and passage, and the steps it takes part in,
read in a fixed number of queries however many steps the node has.
"""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from argmap.domain.editing import node_by_key
from argmap.mapdata import RelationData
from argmap.models import Map, Node, Premise, Relation, RelationKind, Source, ident


@dataclass(frozen=True)
class Step:
    """A support, attack or undercut with its premises (several for a linked step)."""

    id: int
    kind: str
    premises: tuple[Node, ...]
    target: Node | None  # the conclusion; None for an undercut
    target_step: "Step | None" = None  # for an undercut: the step it says does not follow

    @property
    def ref(self) -> str:
        """The step's name in a MapData (and so in an Evaluation)."""
        if self.target_step:
            target = self.target_step.ref
        else:
            assert self.target is not None  # a support or attack has its conclusion
            target = self.target.key
        return RelationData(self.kind, tuple(p.key for p in self.premises), target).ref

    def others(self, node: Node) -> tuple[Node, ...]:
        """The premises other than `node`: its co-premises in this step."""
        return tuple(p for p in self.premises if p.id != node.id)


@dataclass(frozen=True)
class NodePanel:
    node: Node
    source: Source | None
    passage: str | None  # the sentence of the map's text, once the text is attached
    outgoing: tuple[Step, ...]  # steps this node is a premise of
    incoming: tuple[Step, ...]  # steps that support or attack this node
    undercuts: tuple[Step, ...]  # undercuts on the support steps this node takes part in
    inferences: tuple[Step, ...]  # support steps touching this node (undercut targets)


def node_panel(session: Session, *, found: Map, key: str) -> NodePanel:
    node = node_by_key(session, map_id=ident(found), key=key)
    source = session.get(Source, node.source_id) if node.source_id else None
    mine = select(Premise.relation_id).where(Premise.node_id == node.id)
    own = session.exec(select(Relation).where(or_(
        col(Relation.id).in_(mine), col(Relation.target_node_id) == node.id))
        .order_by(col(Relation.id))).all()
    supports = [ident(r) for r in own if r.kind == RelationKind.SUPPORT]
    cut = [r.target_relation_id for r in own if r.kind == RelationKind.UNDERCUT]
    related = session.exec(select(Relation).where(or_(
        col(Relation.id).in_(cut), col(Relation.target_relation_id).in_(supports)))).all()
    relations = {r.id: r for r in [*own, *related]}
    premises: dict[int, list[int]] = {}
    for row in session.exec(select(Premise).where(col(Premise.relation_id).in_(relations))
                            .order_by(col(Premise.id))).all():
        premises.setdefault(row.relation_id, []).append(row.node_id)
    node_ids = {n for ids in premises.values() for n in ids}
    node_ids |= {r.target_node_id for r in relations.values() if r.target_node_id}
    nodes = {n.id: n for n in session.exec(select(Node).where(col(Node.id).in_(node_ids)))}
    nodes[node.id] = node

    def step(relation_id: int) -> Step:
        rel = relations[relation_id]
        return Step(ident(rel), rel.kind, tuple(nodes[n] for n in premises.get(ident(rel), ())),
                    nodes.get(rel.target_node_id) if rel.target_node_id else None,
                    step(rel.target_relation_id) if rel.target_relation_id else None)

    outgoing = [step(ident(r)) for r in own if node.id in premises.get(ident(r), ())]
    incoming = [step(ident(r)) for r in own if r.target_node_id == node.id]
    undercuts = [step(ident(r)) for r in related if r.target_relation_id in supports]
    passage = None
    if found.source_text and node.passage_start is not None:
        passage = found.source_text[node.passage_start:node.passage_end]
    return NodePanel(
        node=node, source=source, passage=passage, outgoing=tuple(outgoing),
        incoming=tuple(incoming), undercuts=tuple(undercuts),
        inferences=tuple(step(r) for r in supports))
