"""Small builders shared by the tests."""

from argmap.mapdata import MapData, NodeData, RelationData, SourceData

SEED_TEXT = "../shared/seed/oped.txt"


def tiny_map(*nodes: NodeData, relations=(), sources=(), slug="tiny") -> MapData:
    return MapData(slug=slug, title="Tiny map", nodes=tuple(nodes),
                   relations=tuple(relations), sources=tuple(sources))


def node(key: str, kind: str = "claim", text: str | None = None, **extra) -> NodeData:
    return NodeData(key=key, kind=kind, text=text or f"Text of {key}.", **extra)


def rel(kind: str, source: str, target: str) -> RelationData:
    return RelationData(kind=kind, source=source, target=target)


def source(key: str = "src") -> SourceData:
    return SourceData(key=key, document="ROK-US Mutual Defense Treaty (1953)",
                      locator="Article IV", quote="as determined by mutual agreement")
