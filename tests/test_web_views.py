"""The map page's three views, the node panel, fragments for htmx, polling and 404s."""

import re

import pytest
from sqlmodel import select

from argmap import db
from argmap.domain.access import make_owner
from argmap.domain.accounts import User
from argmap.domain.maps import get_map, import_map
from tests.helpers import fork_seed, node, post, rel, sign_up, tiny_map

MAP = "/maps/treaty-alliance"


def fragment(client, url, target):
    return client.get(url, headers={"HX-Request": "true", "HX-Target": target})


def test_full_page_has_every_part(client):
    html = client.get(MAP).get_data(as_text=True)
    for part in ('id="view"', 'id="tabs"', 'id="panel"', 'id="poller"', 'id="diagram"',
                 "Sources cited", 'name="csrf_token"'):
        assert part in html
    assert "<html" in html


def test_view_fragment_is_only_the_view(client):
    reply = fragment(client, MAP + "?view=outline", "view")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="view"')
    assert 'class="outline-tree"' in html and 'id="panel"' not in html
    assert "HX-Request" in reply.headers["Vary"] and "HX-Target" in reply.headers["Vary"]
    # The view fragment also moves the poller on, so the page doesn't refresh twice.
    assert 'id="poller"' in html and 'hx-swap-oob="true"' in html


@pytest.mark.parametrize("view, label, marker", [
    ("diagram", "Diagram", '<div class="diagram-body" id="diagram"'),
    ("outline", "Outline", 'class="outline-tree"'),
    ("text", "Source text", "No source text is attached")])
def test_each_view_as_a_fragment(client, view, label, marker):
    reply = fragment(client, f"{MAP}?view={view}&node=thesis", "view")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and marker in html and "<html" not in html
    current = re.findall(r'aria-current="page"\s+hx-get="[^"]*"[^>]*>([^<]+)</a>', html)
    assert current == [label]
    # The tabs keep the open node.
    assert 'href="/maps/treaty-alliance?view=outline&amp;node=thesis"' in html


def test_panel_fragment(client):
    html = fragment(client, MAP + "?node=mdt-article-4", "panel").get_data(as_text=True)
    assert html.lstrip().startswith('<aside id="panel"') and "<html" not in html
    assert 'id="view"' not in html
    assert 'id="tabs" class="tabs" aria-label="Views of the map" hx-swap-oob="true"' in html
    detail = fragment(client, MAP + "?node=mdt-article-4", "node-detail").get_data(as_text=True)
    assert detail.lstrip().startswith('<div id="node-detail"') and "Add a rebuttal" not in detail


def test_panel_shows_text_kind_author_citation_and_passage(client, app):
    sign_up(client, "olivia")
    fork = fork_seed(client)
    html = client.get(fork + "?node=mdt-article-4").get_data(as_text=True)
    panel = html[html.index('<aside id="panel"'):]
    assert "EVIDENCE" in panel.upper() and 'class="kind-badge kind-evidence"' in panel
    assert "Mutual Defense Treaty" in panel and "Article IV" in panel
    assert "Added by" in panel
    assert "Paragraph" in panel and "attach the source text" in panel
    for form in ("Add a supporting reason", "Add evidence", "Add a rebuttal",
                 "Edit this node", "Connect to another node", "Delete this node"):
        assert form in panel
    editor = client.get(fork + "?node=ed-art2-self-help").get_data(as_text=True)
    assert "editor’s addition" in editor and "Added by argmap editors" in editor


def test_diagram_nodes_link_to_their_panel_but_exports_do_not(client):
    html = client.get(MAP).get_data(as_text=True)
    assert 'href="/maps/treaty-alliance?node=thesis"' in html
    assert b"?node=" not in client.get(MAP + "/export.svg").data


def _inline_svg(page: str) -> str:
    """What the boxes of the page's diagram print (its <text> elements, not the tooltips)."""
    svg = page[page.index("<svg"):page.index("</svg>")]
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_a_big_map_s_diagram_prints_titles_and_a_person_can_switch_to_full_text(client):
    svg = _inline_svg(client.get(MAP).get_data(as_text=True))
    assert "Tying the SMA to tariffs breaks the" in svg
    assert "unreasonable" not in svg  # no node prints its text: the seed's nodes all have titles
    reply = post(client, f"{MAP}/whatif", {"action": "labels", "labels": "full"})
    assert reply.status_code == 303
    page = client.get(MAP).get_data(as_text=True)
    assert "Trump" in _inline_svg(page)
    assert '<option value="full" selected>' in page
    bad = post(client, f"{MAP}/whatif", {"action": "labels", "labels": "huge"})
    assert bad.status_code == 400 and "choose titles or full text" in bad.get_data(as_text=True)


def test_a_small_map_s_diagram_prints_full_text(client, app):
    sign_up(client, "olivia")
    with app.app_context():
        session = db.session()
        found = import_map(session, data=tiny_map(node("t", "thesis", "A short thesis."),
                                                  node("c", "claim", "Its only reason."),
                                                  relations=[rel("support", "c", "t")],
                                                  slug="small"))
        found.visibility = "public"
        session.commit()
    svg = _inline_svg(client.get("/maps/small").get_data(as_text=True))
    assert "Its only reason." in svg


def test_outline_is_a_nested_list_of_links(client):
    html = client.get(MAP + "?view=outline").get_data(as_text=True)
    tree = html[html.index('class="outline-tree"'):]
    assert tree.index('id="o-thesis"') < tree.index('id="o-mdt-commits-defense"')
    assert re.search(r'<ul>\s*<li class="outline-item">', tree)  # children nest
    assert 'href="/maps/treaty-alliance?view=outline&amp;node=thesis"' in tree
    # Undercuts are listed under the reason whose step they challenge.
    assert "says the step fails" in tree


def _tiny_with_passages(app, client):
    sign_up(client, "olivia")
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            tiny = import_map(session, data=tiny_map(
                node("a", "thesis", passage_paragraph=1, passage_quote="like cats"),
                node("b", passage_paragraph=2, passage_quote="dogs bark"),
                relations=[rel("support", "b", "a")]))
            user = session.exec(select(User).where(User.username == "olivia")).one()
            make_owner(session, found=tiny, user=user)


def test_source_text_attached_in_the_browser_marks_passages_both_ways(client, app):
    _tiny_with_passages(app, client)
    empty = client.get("/maps/tiny?view=text").get_data(as_text=True)
    assert "No source text is attached" in empty and 'name="source_text"' in empty
    text = "I like cats. Really I do.\n\nDogs? No: dogs bark <loudly>."
    reply = post(client, "/maps/tiny/text", {"source_text": text})
    assert reply.status_code == 303 and reply.location.endswith("/maps/tiny?view=text")
    html = client.get("/maps/tiny?view=text").get_data(as_text=True)
    assert '<span class="anchor" id="passage-a"></span><mark class="passage">I like cats.</mark>' \
        in html
    assert "<mark class=\"passage\">No: dogs bark &lt;loudly&gt;.</mark>" in html
    assert re.search(r'<a class="passage-link kind-thesis" href="/maps/tiny\?view=text&amp;'
                     r'node=a"', html)
    panel = client.get("/maps/tiny?node=a").get_data(as_text=True)
    assert 'href="/maps/tiny?view=text&amp;node=a#passage-a"' in panel
    assert "<q>I like cats.</q>" in panel


def test_source_text_that_misses_an_anchor_is_refused_whole(client, app):
    _tiny_with_passages(app, client)
    reply = post(client, "/maps/tiny/text", {"source_text": "Only dogs bark here.\nNo cats."},
                 htmx="view")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and html.lstrip().startswith('<section id="view"')
    error = re.search(r'<p class="error" id="text-source_text-error">([^<]*)</p>', html)
    assert error and "node &#39;a&#39;" in error.group(1)
    assert "Only dogs bark here." in html  # what was typed is kept
    with app.app_context():
        assert get_map(db.session(), slug="tiny").source_text is None


def test_unknown_map_and_node_are_404_pages_and_fragments(client):
    for url in ("/maps/nope", MAP + "?node=nope", "/maps/nope/revision?rev=1", "/nowhere"):
        reply = client.get(url)
        assert reply.status_code == 404, url
        assert "<h1>Not found</h1>" in reply.get_data(as_text=True)
    reply = fragment(client, MAP + "?node=gone", "node-detail")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 404 and html.startswith('<div id="node-detail"')
    assert "no node &#39;gone&#39;" in html and "<html" not in html


def test_polling_says_unchanged_cheaply_and_signals_changes(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    MAP = "/maps/seminar"
    with app.app_context():
        rev = get_map(db.session(), slug="seminar").revision
    same = client.get(f"{MAP}/revision?rev={rev}")
    assert same.status_code == 204 and same.data == b""
    assert same.headers["X-Argmap-Revision"] == str(rev)
    older = client.get(f"{MAP}/revision?rev={rev - 1}")
    assert older.status_code == 200 and older.headers["HX-Trigger"] == "map-changed"
    assert f"rev={rev}" in older.get_data(as_text=True)
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal", "text": "No."})
    moved = client.get(f"{MAP}/revision?rev={rev}")
    assert moved.status_code == 200 and f"rev={rev + 1}" in moved.get_data(as_text=True)


def test_theme_css_matches_the_diagram(client):
    from argmap.render.theme import LIGHT
    css = client.get("/theme.css").get_data(as_text=True)
    for kind, style in LIGHT.nodes.items():
        assert f".kind-{kind} {{ --kind-fill: {style.fill}; --kind-border: {style.border}; }}" \
            in css
