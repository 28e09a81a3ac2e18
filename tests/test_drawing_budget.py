"""Bounded drawing (issue 14.2): readers of a map who cannot edit it, anonymous visitors
included, can't start unbounded new `dot` runs; every drawing has one time limit for all its
`dot` runs; the OVA export is a drawing too (cached, budgeted, refused above the node limit).
"""

import time

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from argmap import create_app, db
from argmap.cli import WORKER_TIMEOUT
from argmap.errors import RenderError
from argmap.mapdata import MapData, NodeData, RelationData
from argmap.models import DrawingSpend
from argmap.render import Drawing, ExportOptions, draw, drawing
from tests.helpers import fork_seed, invite_link, post, sign_up

MAP = "/maps/treaty-alliance"


@pytest.fixture
def budget(app, tmp_path):
    """The app with a render cache of its own, so every drawing here starts uncached."""
    app.config["RENDER_CACHE_DIR"] = str(tmp_path / "render-cache")
    return app


def visitor(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def spent_rows(app) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(DrawingSpend)).one()


def test_a_map_s_readers_share_one_pool_of_new_drawings(budget):
    budget.config.update(READER_DRAWING_SECONDS=1000.0, MAP_READERS_DRAWING_SECONDS=0.001)
    first, second = visitor(budget, "192.0.2.1"), visitor(budget, "192.0.2.2")
    assert first.get(f"{MAP}/export.svg?wrap=13").status_code == 200
    refused = second.get(f"{MAP}/export.svg?wrap=14")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "The people who read but cannot edit this map have used the 0.001 s" in page
    assert "try again in about 10 min" in page
    # What was drawn before is served to anyone; the map's default drawing is not charged
    # to the shared pool, so a spent pool doesn't hide the map.
    assert second.get(f"{MAP}/export.svg?wrap=13").status_code == 200
    assert second.get(f"{MAP}/export.svg").status_code == 200
    assert "<svg" in second.get(MAP).get_data(as_text=True)


def test_each_reader_has_a_budget_of_their_own(budget):
    budget.config.update(READER_DRAWING_SECONDS=0.001, MAP_READERS_DRAWING_SECONDS=1000.0)
    first, second = visitor(budget, "192.0.2.1"), visitor(budget, "192.0.2.2")
    assert first.get(f"{MAP}/export.png?wrap=15").status_code == 200
    refused = first.get(f"{MAP}/export.png?wrap=16")
    assert refused.status_code == 429
    assert "You have used the 0.001 s of new drawings" in refused.get_data(as_text=True)
    assert second.get(f"{MAP}/export.png?wrap=16").status_code == 200


def test_on_the_map_page_a_spent_budget_is_said_where_the_diagram_would_be(budget):
    budget.config.update(READER_DRAWING_SECONDS=0.001, MAP_READERS_DRAWING_SECONDS=1000.0)
    reader = visitor(budget, "192.0.2.9")
    assert reader.get(f"{MAP}/export.pdf?spacing=1.3").status_code == 200
    page = reader.get(MAP)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You have used the" in text and "<svg" not in text.split("</header>", 1)[-1]
    assert "draws any part of it" not in text  # Export would be refused too


def test_editors_are_not_charged_and_reservations_are_settled(budget):
    budget.config.update(READER_DRAWING_SECONDS=0.001, MAP_READERS_DRAWING_SECONDS=0.001)
    owner = budget.test_client()
    sign_up(owner, "olive")
    fork = fork_seed(owner, "Budget")
    for wrap in (20, 21, 22):
        assert owner.get(f"{fork}/export.svg?wrap={wrap}").status_code == 200
    assert spent_rows(budget) == 0
    anonymous = visitor(budget, "192.0.2.3")
    assert anonymous.get(f"{MAP}/export.svg?wrap=23").status_code == 200
    with budget.app_context():
        seconds = db.session().exec(select(DrawingSpend.seconds)).all()
    # Two accounts charged (the reader, the map's pool), each with what the drawing took,
    # not the whole time limit reserved before it started.
    assert len(seconds) == 2
    assert all(0 < s < budget.config["RENDER_TIMEOUT"] for s in seconds)


def test_the_budget_costs_a_fixed_number_of_statements(budget):
    budget.config.update(READER_DRAWING_SECONDS=1000.0, MAP_READERS_DRAWING_SECONDS=1000.0)
    statements = []
    engine = budget.extensions["argmap.engine"]

    def seen(_conn, _cursor, statement, *_args):
        if "drawingspend" in statement:
            statements.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert visitor(budget, "192.0.2.4").get(f"{MAP}/export.svg?wrap=24").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # Per account: prune, sum, insert; then one update settles both.
    assert statements.count("DELETE") == 2 and statements.count("SELECT") == 2
    assert statements.count("INSERT") in (1, 2) and statements.count("UPDATE") == 1


def test_the_ova_export_is_a_drawing_cached_budgeted_and_limited(budget):
    budget.config.update(READER_DRAWING_SECONDS=1000.0, MAP_READERS_DRAWING_SECONDS=1000.0)
    anonymous = visitor(budget, "192.0.2.5")
    first = anonymous.get(f"{MAP}/export.ova.json")
    assert first.status_code == 200 and first.get_json()["OVA"]["nodes"]
    assert spent_rows(budget) == 1  # the reader's account: the default file of the map
    again = anonymous.get(f"{MAP}/export.ova.json")
    assert again.data == first.data and spent_rows(budget) == 1  # from the cache

    budget.config["RENDER_NODE_LIMIT"] = 5
    refused = anonymous.get(f"{MAP}/export.ova.json")
    assert refused.status_code == 422
    assert "argmap draws at most 5 at once" in refused.get_data(as_text=True)
    assert anonymous.get(f"{MAP}/export.aif.json").status_code == 200  # no layout: no limit


def wide_map(size: int) -> MapData:
    nodes = [NodeData(key="thesis", kind="thesis", text="T.")]
    relations = []
    for i in range(size):
        nodes.append(NodeData(key=f"c{i}", kind="claim", text=f"Claim number {i} " * 6))
        relations.append(RelationData(kind="support", premises=f"c{i}",
                                      target="thesis" if i < 8 else f"c{i % 8}"))
    return MapData(slug="wide", title="Wide", nodes=tuple(nodes), relations=tuple(relations))


def test_one_time_limit_covers_every_dot_run_of_a_drawing():
    # A deck runs `dot` twice per slide (layout, then the fitted page). The limit is half as
    # long again as the slowest slide, so each slide alone fits in it; all of them don't,
    # and the limit is for the drawing.
    plan = drawing(wide_map(160), ExportOptions(), "deck")
    assert len(plan.sources) > 5
    slides = []
    for source in plan.sources:
        started = time.monotonic()
        draw(Drawing((source,), "pdf", page=plan.page), timeout=60)
        slides.append(time.monotonic() - started)
    limit = 1.5 * max(slides)
    assert sum(slides) > 3 * limit  # the map is shaped so the slides cost alike
    started = time.monotonic()
    with pytest.raises(RenderError, match="longer than"):
        draw(plan, timeout=limit)
    assert time.monotonic() - started < limit + 2.0


def test_a_refused_drawing_is_not_charged_to_anyone(budget):
    budget.config.update(READER_DRAWING_SECONDS=1000.0, MAP_READERS_DRAWING_SECONDS=1000.0)
    reply = visitor(budget, "192.0.2.6").get(f"{MAP}/export.svg?focus=nobody")
    assert reply.status_code in (400, 404, 422)
    assert spent_rows(budget) == 0


def test_a_member_who_may_only_read_is_charged(budget):
    budget.config.update(READER_DRAWING_SECONDS=0.001, MAP_READERS_DRAWING_SECONDS=1000.0)
    owner = budget.test_client()
    sign_up(owner, "owen")
    fork = fork_seed(owner, "Readers")
    link = invite_link(owner, fork, "viewer")
    viewer = visitor(budget, "192.0.2.7")
    sign_up(viewer, "vera")
    assert post(viewer, link, {"as": "account"}).status_code == 303
    assert viewer.get(f"{fork}/export.svg?wrap=30").status_code == 200
    assert viewer.get(f"{fork}/export.svg?wrap=31").status_code == 429


def test_every_bound_on_a_request_is_well_below_the_worker_timeout(tmp_path, monkeypatch):
    """A drawing or an import that runs out of time gets argmap's own message, never a worker
    killed by gunicorn (a bare 500): the defaults leave at least half the worker's time."""
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path))
    config = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}).config
    for name in ("RENDER_TIMEOUT", "IMPORT_TIMEOUT"):
        assert 0 < config[name] <= WORKER_TIMEOUT / 2, name
