"""A 2,000-node map: the whole map is refused with a message that suggests a focused view
(instead of a hung worker or an endless spinner), and the focused export still works."""

import time
import xml.etree.ElementTree as ET

import pytest

from argmap import create_app, db
from argmap.domain.maps import import_map
from argmap.mapdata import MapData, NodeData, RelationData
from tests.helpers import start_from

N_CLAIMS, PER_CLAIM = 40, 49  # 1 thesis + 40 claims + 40 * 49 below them = 2,001 nodes


def big_map() -> MapData:
    nodes = [NodeData(key="thesis", kind="thesis", text="The big thesis.")]
    relations = []
    for c in range(N_CLAIMS):
        nodes.append(NodeData(key=f"claim-{c}", kind="claim", text=f"Claim number {c}."))
        relations.append(RelationData(kind="support" if c % 3 else "attack",
                                      premises=f"claim-{c}", target="thesis"))
        for r in range(PER_CLAIM):
            kind = ("claim", "rebuttal")[r % 2]
            nodes.append(NodeData(key=f"n-{c}-{r}", kind=kind, text=f"Point {r} on claim {c}."))
            parent = f"claim-{c}" if r < 7 else f"n-{c}-{r % 7}"
            relations.append(RelationData(kind="support" if kind == "claim" else "attack",
                                          premises=f"n-{c}-{r}", target=parent))
    return MapData(slug="big", title="A big map", nodes=tuple(nodes),
                   relations=tuple(relations))


def _store_big(session) -> None:
    import_map(session, data=big_map()).visibility = "public"


# The 2,000-node map, imported once for the module; each test gets its own copy.
prepared_url, database_url = start_from(_store_big)


@pytest.fixture
def big(app):
    return "/maps/big"


def test_the_fixture_has_two_thousand_nodes():
    assert len(big_map().nodes) == 1 + N_CLAIMS * (1 + PER_CLAIM) >= 2000


def test_whole_map_export_is_refused_with_a_suggestion(client, big):
    started = time.monotonic()
    reply = client.get(f"{big}/export.svg")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and time.monotonic() - started < 10
    assert "This view has 2,001 nodes" in html and "focus on a node" in html


def test_map_page_opens_on_the_thesis_and_two_levels_instead_of_refusing(client, big):
    reply = client.get(big)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "<svg" not in html.split('id="view"')[1][:20000]
    assert "argmap draws at most 600" not in html and "Showing 321 of 2,001 nodes" in html
    assert "Drawing the diagram of 321 nodes" in html


def test_focused_export_of_the_big_map_works(client, big):
    reply = client.get(f"{big}/export.svg?focus=claim-7&depth=1")
    assert reply.status_code == 200
    svg = ET.fromstring(reply.data)
    nodes = [g for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if "node" in (g.get("class") or "").split() and g.get("id", "").startswith("n-")]
    assert len(nodes) == 1 + 7  # the claim and the seven points directly under it
    deeper = client.get(f"{big}/export.png?focus=claim-7&depth=3&theme=print")
    assert deeper.status_code == 200 and deeper.data.startswith(b"\x89PNG")
    slide = client.get(f"{big}/export.png?focus=claim-7&depth=3&theme=print&fit=16:9")
    assert slide.status_code == 422 and "Export the deck" in slide.get_data(as_text=True)
    hidden = client.get(f"{big}/export.svg?hide=claim,rebuttal")  # only the thesis remains
    assert hidden.status_code == 200


def test_a_slow_drawing_is_stopped_with_a_message(tmp_path, big, app):
    slow = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                       "RENDER_CACHE_DIR": str(tmp_path / "cache"), "RENDER_TIMEOUT": 0.05,
                       "RENDER_NODE_LIMIT": 10_000})
    started = time.monotonic()
    reply = slow.test_client().get(f"{big}/export.svg")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 503 and time.monotonic() - started < 10
    assert "took longer than 0.05 s" in html and "focus on a node" in html
    slow.extensions["argmap.engine"].dispose()


def test_the_cli_refuses_the_whole_map_in_one_line(runner, big, tmp_path):
    result = runner.invoke(args=["export", "big", "-o", str(tmp_path / "big.svg")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: This view has 2,001 nodes")
    focused = runner.invoke(args=["export", "big", "--focus", "claim-3", "--depth", "2",
                                  "-o", str(tmp_path / "part.svg")])
    assert focused.exit_code == 0 and (tmp_path / "part.svg").stat().st_size > 0


def test_a_big_map_page_answers_before_dot_and_draws_lazily(client, app):
    with app.app_context():
        session = db.session()
        data = big_map()
        keep = {n.key for n in data.nodes[:200]}
        from argmap.mapdata import keep_only
        medium = keep_only(data, keep)
        from dataclasses import replace
        with db.transaction(session):
            import_map(session, data=replace(medium, slug="medium")).visibility = "public"
        db.close_session()
    page = client.get("/maps/medium").get_data(as_text=True)
    view = page[page.index('id="view"'):]
    assert 'id="diagram-pending"' in view and "<svg" not in view[:5000]
    assert 'hx-get="/maps/medium?draw=now"' in view and 'hx-trigger="load"' in view
    drawn = client.get("/maps/medium?draw=now", headers={"HX-Request": "true",
                                                         "HX-Target": "view"})
    assert drawn.status_code == 200 and "<svg" in drawn.get_data(as_text=True)
    again = client.get("/maps/medium").get_data(as_text=True)  # now from the cache
    assert "<svg" in again and 'id="diagram-pending"' not in again
