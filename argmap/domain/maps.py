"""Map-level data operations: find, list, import a MapData, snapshot a map, attach its text.

Functions take the session and keyword arguments and never commit: the caller wraps each
change in `db.transaction`, so a failure leaves nothing behind.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import delete, event, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from argmap.domain import rules
from argmap.domain.passages import paragraphs, resolve_passage
from argmap.errors import InvalidInput, NotFound
from argmap.mapdata import DocumentMeta, MapData, NodeData, RelationData, SourceData
from argmap.models import (
    SOURCE_TEXT_MAX,
    Map,
    MapCreate,
    MapPublic,
    MapUpdate,
    Membership,
    Node,
    Premise,
    Relation,
    RelationKind,
    Source,
    ident,
    refuse_nul,
    utcnow,
    validate,
)
from argmap.sessions import T, retrying, snapshot


def join_tags(tags) -> str | None:
    """Tags as stored: comma-separated, without commas inside a tag."""
    return ",".join(t.replace(",", " ").strip() for t in tags if t.strip()) or None


def split_tags(stored: str | None) -> tuple[str, ...]:
    return tuple(t for t in (stored or "").split(",") if t)


def get_map(session: Session, *, slug: str) -> Map:
    found = session.exec(select(Map).where(Map.slug == slug)).first()
    if found is None:
        raise NotFound(f"no map with the slug '{slug}'")
    return found


def bump_revision(session: Session, *, map_id: int) -> None:
    """Record that the map changed: once per transaction, however many rows the change
    touches. Done in SQL so concurrent writers never lose a bump."""
    bumped = session.info.setdefault("bumped_maps", set())
    if map_id in bumped:
        return
    bumped.add(map_id)
    session.execute(update(Map).where(col(Map.id) == map_id)
                    .values(revision=Map.revision + 1, updated_at=utcnow()))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop("bumped_maps", None)


def list_maps(session: Session, *, user_id: int | None = None) -> list[MapPublic]:
    """The public maps and the maps the user is a member of, in one query."""
    counts = (select(Node.map_id, func.count(col(Node.id)).label("n"))
              .group_by(col(Node.map_id)).subquery())
    mine = select(Membership.map_id).where(Membership.user_id == user_id)
    rows = session.exec(
        select(Map, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.map_id == Map.id)
        .where((col(Map.visibility) == "public") | col(Map.id).in_(mine))
        .order_by(Map.title)
    ).all()
    return [MapPublic.model_validate(m, update={"node_count": n}) for m, n in rows]


def import_map(session: Session, *, data: MapData,
               tick: Callable[[], None] = rules.untimed) -> Map:
    """Store a whole MapData as a new map. Its reader has checked it already, with the
    locations of its problems; the rules are asked again here so that no way in can skip
    them. `tick` is called at every node and step and between inserts (a time budget)."""
    rules.check_map(data, tick)
    if session.exec(select(Map.id).where(Map.slug == data.slug)).first() is not None:
        raise InvalidInput(f"a map with the slug '{data.slug}' already exists", field="slug")
    doc = data.document
    new_map = Map(slug=data.slug, title=data.title, description=data.description,
                  doc_title=doc.title, doc_author=doc.author, doc_outlet=doc.outlet,
                  doc_date=doc.date, doc_url=doc.url)
    session.add(new_map)
    session.flush()
    map_id = ident(new_map)
    # One insert per table, of plain rows: an ORM object per row cost more than the insert
    # itself (seconds for a 10,000-node import). check_map has validated every value.
    source_ids = dict(zip((src.key for src in data.sources), _insert(session, Source, [
        {"map_id": map_id, "key": src.key, "document": src.document, "locator": src.locator,
         "quote": src.quote, "url": src.url, "note": src.note}
        for src in data.sources]), strict=True))
    tick()
    node_ids = dict(zip((node.key for node in data.nodes), _insert(session, Node, [
        {"map_id": map_id, "key": node.key, "kind": node.kind, "text": node.text,
         "title": node.title, "author": node.author, "origin": node.origin,
         "source_id": source_ids.get(node.cites) if node.cites is not None else None,
         "passage_paragraph": node.passage_paragraph, "passage_quote": node.passage_quote,
         "tags": join_tags(node.tags)} for node in data.nodes]), strict=True))
    tick()
    step_ids: dict[str, int] = {}
    # Undercuts point at steps, so store the other steps first.
    for undercuts in (False, True):
        batch = [(rel, {"map_id": map_id, "kind": rel.kind,
                        "target_node_id": None if undercuts else node_ids[rel.target],
                        "target_relation_id": step_ids[data.steps_by_ref[rel.target].ref]
                        if undercuts else None})
                 for rel in data.relations if rel.is_undercut == undercuts]
        ids = _insert(session, Relation, [row for _rel, row in batch])
        tick()
        _insert(session, Premise, [
            {"map_id": map_id, "relation_id": step_id, "node_id": node_ids[key],
             "target_node_id": row["target_node_id"],
             "target_relation_id": row["target_relation_id"]}
            for (rel, row), step_id in zip(batch, ids, strict=True) for key in rel.premises])
        tick()
        step_ids.update({rel.ref: step_id for (rel, _row), step_id in zip(batch, ids,
                                                                           strict=True)})
    return new_map


def _insert(session: Session, model: type[Source | Node | Relation | Premise],
            rows: list[dict]) -> list[int]:
    """Insert the rows with one executemany (in batches where the database can); their ids,
    in the rows' order."""
    if not rows:
        return []
    table = model.__table__  # pyright: ignore[reportAttributeAccessIssue]
    inserted = session.connection().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in inserted]


def load_map_data(session: Session, *, found: Map) -> MapData:
    """A stored map as plain data, for rendering and export: its contents in one snapshot,
    four queries however big it is. The Map row is the one the caller loaded already."""
    with snapshot(session) as reader:
        return _load_map_data(reader, found)


def _load_map_data(session: Session, found: Map) -> MapData:
    sources = session.exec(select(Source).where(Source.map_id == found.id)
                           .order_by(col(Source.id))).all()
    nodes = session.exec(select(Node).where(Node.map_id == found.id)
                         .order_by(col(Node.id))).all()
    relations = session.exec(select(Relation).where(Relation.map_id == found.id)
                             .order_by(col(Relation.id))).all()
    premises: dict[int, list[int]] = {}
    for relation_id, node_id in session.exec(
            select(Premise.relation_id, Premise.node_id).where(Premise.map_id == found.id)
            .order_by(col(Premise.id))).all():
        premises.setdefault(relation_id, []).append(node_id)
    source_keys = {s.id: s.key for s in sources}
    node_keys = {n.id: n.key for n in nodes}
    refs: dict[int, str] = {}
    rel_data = []
    for rel in sorted(relations, key=lambda r: (r.kind == RelationKind.UNDERCUT, r.id)):
        target = (refs[rel.target_relation_id] if rel.target_relation_id is not None
                  else node_keys[rel.target_node_id])
        item = RelationData(kind=rel.kind, target=target,
                            premises=tuple(node_keys[n] for n in premises.get(ident(rel), ())))
        refs[ident(rel)] = item.ref
        rel_data.append(item)
    return MapData(
        slug=found.slug, title=found.title, description=found.description,
        revision=found.revision,
        document=DocumentMeta(title=found.doc_title, author=found.doc_author,
                              outlet=found.doc_outlet, date=found.doc_date, url=found.doc_url),
        sources=tuple(SourceData(key=s.key, document=s.document, locator=s.locator,
                                 quote=s.quote, url=s.url, note=s.note) for s in sources),
        nodes=tuple(NodeData(key=n.key, kind=n.kind, text=n.text, title=n.title,
                             author=n.author, origin=n.origin,
                             cites=source_keys.get(n.source_id),
                             passage_paragraph=n.passage_paragraph,
                             passage_quote=n.passage_quote, tags=split_tags(n.tags))
                    for n in nodes),
        relations=tuple(rel_data),
    )


def attach_text(session: Session, *, found: Map, text: str,
                tick: Callable[[], None] = rules.untimed) -> int:
    """Attach the map's source text and resolve every node's passage anchor against it.

    Returns the number of anchored nodes. Any anchor that does not match fails the whole
    change, naming the node. `tick` is called at every node (a time budget).
    """
    cleaned = _clean_text(text)
    if cleaned is None:
        raise InvalidInput("the text is empty", field="source_text")
    nodes = session.exec(select(Node).where(Node.map_id == found.id,
                                            col(Node.passage_quote).is_not(None))
                         .order_by(col(Node.id))).all()  # the first failing anchor, in map order
    spans = paragraphs(cleaned)  # once, not once per node
    for node in nodes:
        tick()
        assert node.passage_quote is not None  # the query chose nodes with a passage
        try:
            node.passage_start, node.passage_end = resolve_passage(
                cleaned, paragraph=node.passage_paragraph, quote=node.passage_quote,
                spans=spans)
        except InvalidInput as exc:
            raise InvalidInput(f"node '{node.key}': {exc}", field="passage") from exc
        node.updated_at = utcnow()
    found.source_text = cleaned
    session.add(found)
    session.flush()
    bump_revision(session, map_id=ident(found))
    return len(nodes)


def creating_map(session: Session, work: Callable[[], T]) -> T:
    """Run `work` (which makes a new map named after its title) as one transaction, again if
    another request took the same slug first: the slug is chosen before the insert, so two
    requests for one title can both choose it, and the database refuses the second."""
    return retrying(session, work, when=slug_taken)


def slug_taken(exc: IntegrityError) -> bool:
    """Whether the database refused a map because its slug is taken (SQLite names the
    column, PostgreSQL the unique index)."""
    message = str(exc.orig)
    return "map.slug" in message or "ix_map_slug" in message


def unique_slug(session: Session, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", title).encode(
        "ascii", "ignore").decode().lower()).strip("-")[:60].strip("-") or "map"
    taken = set(session.exec(select(Map.slug).where(col(Map.slug).startswith(base))).all())
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_map(session: Session, *, title: str, description: str = "",
               source_text: str | None = None) -> Map:
    """A new, empty map; its slug comes from the title."""
    title = (title or "").strip()
    values = validate(MapCreate, {"slug": unique_slug(session, title), "title": title,
                                  "description": (description or "").strip()})
    new_map = Map(**values.model_dump(), source_text=_clean_text(source_text))
    session.add(new_map)
    session.flush()
    return new_map


def fork_map(session: Session, *, original: Map, title: str) -> Map:
    """A copy of a map (nodes, relations, sources, source text) that its group can change."""
    data = load_map_data(session, found=original)
    title = (title or "").strip()
    validate(MapUpdate, {"title": title})
    copy = import_map(session, data=replace(data, slug=unique_slug(session, title),
                                            title=title))
    copy.forked_from_id = original.id
    if original.source_text:
        attach_text(session, found=copy, text=original.source_text)
    session.add(copy)
    session.flush()
    return copy


def _clean_text(text: str | None) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip("\n")
    refuse_nul(text, "source_text")
    if len(text) > SOURCE_TEXT_MAX:
        raise InvalidInput(f"the text is longer than {SOURCE_TEXT_MAX} characters",
                           field="source_text")
    return text or None


def delete_map(session: Session, *, found: Map, confirm: str) -> None:
    """Delete a map and everything in it (nodes, relations, sources, members, invite links and
    their guests, history, ratings: the database cascades). Forks of it stay, unlinked.

    `confirm` must repeat the map's slug: a deletion cannot be undone.
    """
    if (confirm or "").strip() != found.slug:
        raise InvalidInput(f"type {found.slug} to confirm; nothing was deleted",
                           field="confirm")
    session.execute(delete(Map).where(col(Map.id) == found.id))
