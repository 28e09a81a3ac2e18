"""A map as plain, immutable data: what map files parse into and what rendering consumes.

Nodes and sources are named by their keys, relations by the keys of their ends, so the same
map gives the same MapData whether it comes from a file or from the database.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property


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


@dataclass(frozen=True)
class RelationData:
    """`target` is a node key, or for an undercut the `ref` of the support relation it attacks."""

    kind: str
    source: str
    target: str

    @property
    def ref(self) -> str:
        return f"{self.source} -> {self.target}"

    @property
    def is_undercut(self) -> bool:
        return self.kind == "undercut"


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
