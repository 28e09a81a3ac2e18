"""A map as plain, immutable data: what map files parse into and what rendering consumes.

Nodes and sources are named by their keys, relations by the keys of their ends, so the same
map gives the same MapData whether it comes from a file or from the database.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceData:
    key: str
    document: str
    locator: str
    quote: str | None = None
    url: str | None = None
    note: str | None = None  # what the citation could not confirm

    def citation(self) -> str:
        quote = f": \u201c{self.quote}\u201d" if self.quote else ""
        return f"{self.document}, {self.locator}{quote}"


@dataclass(frozen=True)
class NodeData:
    key: str
    kind: str
    text: str
    title: str | None = None
    author: str | None = None
    origin: str = "document"
    cites: str | None = None  # a SourceData key
    passage_paragraph: int | None = None
    passage_quote: str | None = None
    tags: tuple[str, ...] = ()  # free labels, e.g. an Argdown heading or #(tag)

    @property
    def opposing(self) -> bool:
        return is_opposing(self.tags)


def walk_starts(data: "MapData", has_parent: set[str]) -> list[str]:
    """Where a walk down the map starts: each thesis, even when a conclusion drawn from it
    (a recommendation) rests on it, then every other node that nothing argues from."""
    theses = [n.key for n in data.nodes if n.kind == "thesis"]
    return theses + [n.key for n in data.nodes
                     if n.key not in has_parent and n.kind != "thesis"]


# The tag of a position the source argues against (whatever the node's kind): every view
# draws such nodes apart from the source's own claims.
OPPOSING = "opposing"


def is_opposing(tags: tuple[str, ...] | str | None) -> bool:
    """Whether tags (a tuple, or the comma-separated column) mark an opposing position."""
    if isinstance(tags, str):
        tags = tuple(t.strip() for t in tags.split(","))
    return OPPOSING in (tags or ())


LINK = " + "  # joins the premises of a linked step in its ref: "a + b -> c"
ARROW = " -> "


@dataclass(frozen=True)
class RelationData:
    """A step: `premises` (node keys) support or attack the node `target`, or, for an
    undercut, say that the step whose `ref` is `target` does not follow.

    One premise is an ordinary relation; several form a linked step: they support (or
    attack) the target only together. Premises keep the order they were written in.
    """

    kind: str
    premises: tuple[str, ...]
    target: str

    def __post_init__(self):
        if isinstance(self.premises, str):  # one premise given as a plain key
            object.__setattr__(self, "premises", (self.premises,))

    @property
    def ref(self) -> str:
        return f"{LINK.join(self.premises)}{ARROW}{self.target}"

    @property
    def is_undercut(self) -> bool:
        return self.kind == "undercut"

    @property
    def is_linked(self) -> bool:
        return len(self.premises) > 1


def parse_ref(ref: str) -> tuple[tuple[str, ...], str] | None:
    """("a", "b"), "c" for "a + b -> c"; None when `ref` names no step."""
    if "->" not in ref:  # keys never hold ">" or "+", so spacing is optional
        return None
    premises, target = ref.rsplit("->", 1)
    return tuple(p.strip() for p in premises.split("+")), target.strip()


def same_step(ref: str) -> str:
    """A ref with its premises in a fixed order, so "b + a -> c" finds "a + b -> c"."""
    parsed = parse_ref(ref)
    if parsed is None:
        return ref
    return f"{LINK.join(sorted(parsed[0]))}{ARROW}{parsed[1]}"


@dataclass(frozen=True)
class MapData:
    slug: str
    title: str
    description: str = ""
    document: DocumentMeta = field(default_factory=DocumentMeta)
    sources: tuple[SourceData, ...] = ()
    nodes: tuple[NodeData, ...] = ()
    relations: tuple[RelationData, ...] = ()
    revision: int = 1

    @cached_property
    def nodes_by_key(self) -> dict[str, NodeData]:
        return {n.key: n for n in self.nodes}

    @cached_property
    def sources_by_key(self) -> dict[str, SourceData]:
        return {s.key: s for s in self.sources}

    @cached_property
    def steps_by_ref(self) -> dict[str, RelationData]:
        """Every relation by its ref, and by the same ref with its premises sorted."""
        found = {}
        for rel in self.relations:
            found[rel.ref] = rel
            found.setdefault(same_step(rel.ref), rel)
        return found


def keep_only(data: MapData, keys: set[str]) -> MapData:
    """The map restricted to `keys`, with the relations (and undercuts) between them. A
    linked step goes with any of its premises: it holds only with all of them."""
    relations, kept_refs = [], set()
    steps = data.steps_by_ref
    for rel in sorted(data.relations, key=lambda r: r.is_undercut):
        if not set(rel.premises) <= keys:
            continue
        if rel.is_undercut and steps[rel.target].ref not in kept_refs:
            continue
        if not rel.is_undercut and rel.target not in keys:
            continue
        relations.append(rel)
        kept_refs.add(rel.ref)
    order = {rel: i for i, rel in enumerate(data.relations)}
    return replace(data, nodes=tuple(n for n in data.nodes if n.key in keys),
                   relations=tuple(sorted(relations, key=order.__getitem__)))


class Titled(Protocol):
    """A NodeData, or a stored Node: what `short` reads."""

    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...


def short(node: Titled, limit: int = 90) -> str:
    """A node's title, or the start of its text, for lists and menus."""
    text = node.title or node.text
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "\u2026"
