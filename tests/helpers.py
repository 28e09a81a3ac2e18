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


def csrf(client) -> str:
    """The session's CSRF token, as a page's forms would carry it."""
    client.get("/")
    with client.session_transaction() as cookie:
        return cookie["csrf_token"]


def post(client, url: str, data: dict | None = None, *, htmx: str | None = None, **kw):
    """POST a form the way the page does: with its token, and as htmx when `htmx` names the
    element the answer replaces."""
    headers = {"HX-Request": "true", "HX-Target": htmx} if htmx else {}
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})},
                       headers=headers, **kw)
