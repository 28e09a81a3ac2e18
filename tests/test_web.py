"""The read-only pages: the maps index, a map's diagram, downloads and 404s."""

import os
import xml.etree.ElementTree as ET

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS


def test_index_lists_the_seed_map(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/maps/treaty-alliance"' in html
    assert "The weight of a treaty alliance" in html and "Yoo Jee-hye" in html


def test_map_page_shows_the_diagram_inline(client):
    page = client.get("/maps/treaty-alliance")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    svg = ET.fromstring(html[start:end])
    ids = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    for item in load_map_file(SEEDS / "treaty-alliance.yaml").nodes:
        assert f"n-{item.key}" in ids
    assert "<?xml" not in html  # the prolog is stripped for inline use
    assert "Korea JoongAng Daily" in html and "Sources cited" in html


def test_downloads_in_every_format(client):
    expected = {"svg": (b"<?xml", "image/svg+xml"), "png": (b"\x89PNG", "image/png"),
                "pdf": (b"%PDF-", "application/pdf"), "dot": (b"digraph", "text/vnd.graphviz")}
    for fmt, (magic, media) in expected.items():
        reply = client.get(f"/maps/treaty-alliance/export.{fmt}")
        assert reply.status_code == 200, fmt
        assert reply.data.startswith(magic) and reply.mimetype == media
        assert f'filename="treaty-alliance.{fmt}"' in reply.headers["Content-Disposition"]


def test_unknown_map_and_format_get_a_404_page(client):
    for url in ("/maps/nope", "/maps/nope/export.svg", "/maps/treaty-alliance/export.gif",
                "/no/such/page"):
        reply = client.get(url)
        assert reply.status_code == 404, url
        assert "<h1>Not found</h1>" in reply.get_data(as_text=True)


def test_a_diagram_is_rendered_once_per_revision(app, client, monkeypatch, tmp_path):
    app.config["RENDER_CACHE_DIR"] = str(tmp_path / "own-cache")  # empty: nothing drawn yet
    first = client.get("/maps/treaty-alliance/export.svg").data
    cached = list(os.scandir(app.config["RENDER_CACHE_DIR"]))
    assert cached
    # With Graphviz gone, the unchanged map is still served: it came from the cache.
    monkeypatch.setenv("PATH", "/nonexistent")
    assert client.get("/maps/treaty-alliance/export.svg").data == first
    page = client.get("/maps/treaty-alliance/export.png")
    assert page.status_code == 503
    assert "Graphviz" in page.get_data(as_text=True)


def test_a_rebuilt_database_does_not_reuse_old_diagrams(app, client, tmp_path, databases):
    from argmap import create_app, db
    from argmap.cli import initialise

    before = client.get("/maps/treaty-alliance/export.dot").data
    seeds = tmp_path / "other-seeds"
    seeds.mkdir()
    text = (SEEDS / "treaty-alliance.yaml").read_text(encoding="utf-8")
    (seeds / "t.yaml").write_text(text.replace("title: Tying the SMA to tariffs breaks the",
                                               "title: REBUILT tying the SMA to tariffs breaks"
                                               " the"), encoding="utf-8")
    # Same instance folder (and render cache), a fresh database: ids and revisions repeat.
    rebuilt = create_app({**app.config, "DATABASE_URL": databases.new(tmp_path, "new")})
    with rebuilt.app_context():
        initialise(seeds)
        db.close_session()
    after = rebuilt.test_client().get("/maps/treaty-alliance/export.dot").data
    assert b"REBUILT" in after and b"REBUILT" not in before
    rebuilt.extensions["argmap.engine"].dispose()
