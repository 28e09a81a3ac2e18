"""No N+1: the SQL statements behind the map page, the outline, the node panel, the history
page and the exports are the same in number for a 10-node and a 2,000-node map; and each
request reads the Map row once (the view loads it, and every part of the answer uses it)."""

import re

import pytest
from sqlalchemy import event

from argmap.domain.maps import import_map
from argmap.mapdata import MapData, NodeData, RelationData
from tests.helpers import fork_seed, post, sign_up, start_from


def chain_map(slug: str, size: int) -> MapData:
    nodes = [NodeData(key="thesis", kind="thesis", text="T.")]
    relations = []
    for i in range(1, size):
        nodes.append(NodeData(key=f"n{i}", kind=("claim", "rebuttal")[i % 2], text=f"N{i}."))
        relations.append(RelationData(kind=("support", "attack")[i % 2], premises=f"n{i}",
                                      target="thesis" if i < 20 else f"n{i % 19 + 1}"))
    return MapData(slug=slug, title=slug, nodes=tuple(nodes), relations=tuple(relations))


def _store_maps(session) -> None:
    for slug, size in (("small", 10), ("large", 2000)):
        import_map(session, data=chain_map(slug, size)).visibility = "public"


# The two maps, built once for the module; each test reads (or changes) its own copy.
prepared_url, database_url = start_from(_store_maps)


@pytest.fixture
def maps(app, client):
    # Both maps take the drawing path: the big one is drawn lazily, the small one at once.
    app.config["RENDER_NODE_LIMIT"] = 5000
    return app


def count_queries(app, client, url: str) -> int:
    statements = []
    engine = app.extensions["argmap.engine"]

    def seen(_conn, _cursor, statement, *_args):
        # A new drawing for a reader is charged to the drawing budget in transactions of
        # its own, a fixed number of statements (tests/test_drawing_budget.py).
        if "drawingspend" not in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert reply.status_code in (200, 422), (url, reply.status_code)
    return len(statements)


@pytest.mark.parametrize("path", ["", "?view=outline", "?node=thesis", "?node=n5",
                                  "?view=text", "/history", "/export.json",
                                  "/export.dot?focus=n3&depth=1", "/revision?rev=0"])
def test_query_count_does_not_grow_with_the_map(maps, client, path):
    client.get("/")  # templates compile once per process; render caches stay cold for both
    small = count_queries(maps, client, f"/maps/small{path}")
    large = count_queries(maps, client, f"/maps/large{path}")
    assert small == large, (path, small, large)
    assert small <= 25, (path, small)


def test_history_page_query_count_does_not_grow_with_history(app, client):
    sign_up(client, "olivia")
    fork = fork_seed(client)
    post(client, f"{fork}/nodes/thesis/arguments", {"form": "reason", "text": "One."})
    few = count_queries(app, client, f"{fork}/history")
    for i in range(15):
        post(client, f"{fork}/nodes/thesis/arguments", {"form": "reason", "text": f"R{i}."})
    assert count_queries(app, client, f"{fork}/history") == few


def map_reads(app, client, url: str, headers: dict | None = None) -> list[str]:
    """The SELECTs on the map table that answering `url` runs."""
    statements = []
    engine = app.extensions["argmap.engine"]

    def seen(_conn, _cursor, statement, *_args):
        if re.match(r"\s*SELECT\b", statement) and re.search(r"\bFROM map\b", statement):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = client.get(url, headers=headers or {})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert reply.status_code == 200, (url, reply.status_code)
    return statements


@pytest.mark.parametrize("path", ["", "?view=outline", "?view=text", "?node=n5",
                                  "/export.json", "/export.svg", "/diagram.svg",
                                  "/export.dot?focus=n3&depth=1"])
def test_a_request_reads_the_map_row_once(maps, client, path):
    """The view loads the Map (checking access) and every part of the answer uses that row."""
    assert len(map_reads(maps, client, f"/maps/small{path}")) == 1


@pytest.mark.parametrize("target", ["view", "panel", "node-detail"])
def test_a_fragment_reads_the_map_row_once(maps, client, target):
    headers = {"HX-Request": "true", "HX-Target": target}
    assert len(map_reads(maps, client, "/maps/small?node=n5", headers)) == 1
