"""Small builders shared by the tests."""

import re

import pytest

from argmap.mapdata import MapData, NodeData, RelationData, SourceData

SEED_TEXT = "../shared/seed/oped.txt"

# Texts that can't be drawn or stored as they are (issue 14.3): typed entities that Graphviz
# would decode, non-characters, control characters.
UNDRAWABLE = [
    "&#x1F600; an entity that Graphviz would decode",
    "&#xD800; half a character, as an entity",
    "&#1; a control character, as an entity",
    "&#xFFFE; a non-character, as an entity",
    "raw non-characters \ufffe and \uffff and \U0010ffff",
    "raw controls: bell \x07, escape \x1b[31m",
    "a line\u2028separator and a \ufdd0 non-character",
]


def tiny_map(*nodes: NodeData, relations=(), sources=(), slug="tiny") -> MapData:
    return MapData(slug=slug, title="Tiny map", nodes=tuple(nodes),
                   relations=tuple(relations), sources=tuple(sources))


def node(key: str, kind: str = "claim", text: str | None = None, **extra) -> NodeData:
    return NodeData(key=key, kind=kind, text=text or f"Text of {key}.", **extra)


def rel(kind: str, source: str, target: str) -> RelationData:
    """A step; `source` is a node key, or "a + b" for a linked step."""
    return RelationData(kind=kind, premises=tuple(source.split(" + ")), target=target)


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


def sign_up(client, username: str, name: str | None = None, password: str = "correct horse 1"):
    """Create an account through the sign-up form; the client stays logged in as it."""
    reply = post(client, "/signup", {"username": username, "display_name": name or username,
                                     "password": password})
    assert reply.status_code == 303, reply.get_data(as_text=True)
    return reply


def log_in(client, username: str, password: str = "correct horse 1"):
    return post(client, "/login", {"username": username, "password": password})


def fork_seed(client, title: str = "Seminar") -> str:
    """Fork the (read-only) seed map into a map the logged-in client owns; returns its URL."""
    reply = post(client, "/maps/treaty-alliance/fork", {"title": title})
    assert reply.status_code == 303, reply.get_data(as_text=True)
    return reply.location


def invite_link(client, map_path: str, role: str = "editor", days: str = "") -> str:
    """Create an invite link on the map's Sharing page; returns its path (/join/...)."""
    page = post(client, f"{map_path}/sharing/invites", {"role": role, "days": days})
    return re.search(r"/join/[\w-]+", page.get_data(as_text=True)).group(0)


def start_from(build):
    """A module's two fixtures for tests that all start from the seeded database plus what
    `build(session)` stores: `prepared_url` (built once per module) and `database_url` (each
    test's own copy of it). Use as `prepared_url, database_url = start_from(build)`."""
    @pytest.fixture(scope="module")
    def prepared_url(prepare_database) -> str:
        return prepare_database(build)

    @pytest.fixture
    def database_url(databases, prepared_url, tmp_path) -> str:
        return databases.copy(prepared_url, tmp_path, "argmap")

    return prepared_url, database_url
