"""What the map page's script animates from: the DOT of the page's diagram (the same text its
SVG is drawn from, 304 while nothing changed, refused to strangers) and what others changed
since a browser last looked (domain/news.py), in the poller's answer and on its own."""

import re
from html import unescape

from argmap import db
from argmap.domain.maps import get_map
from argmap.domain.news import latest_change
from argmap.models import ident
from argmap.render.run import run_dot
from tests.helpers import post, sign_up

MAP = "/maps/seminar"


def found(pattern: str, text: str, flags: int = 0) -> re.Match:
    match = re.search(pattern, text, flags)
    assert match, f"{pattern!r} not in {text[:2000]!r}"
    return match


def inline_svg(page: str) -> str:
    return found(r'<div class="diagram-body" id="diagram"[^>]*>\s*(<svg.*?</svg>)', page,
                     re.S).group(1)


def test_the_dot_is_what_the_page_s_svg_is_drawn_from(two):
    olivia, _eunji = two
    page = olivia.get(MAP).get_data(as_text=True)
    reply = olivia.get(f"{MAP}/view.dot")
    assert reply.status_code == 200
    assert reply.mimetype == "text/vnd.graphviz"
    source = reply.get_data(as_text=True)
    assert 'id="n-thesis"' in source and f'href="{MAP}?node=thesis"' in source
    drawn = run_dot(source, "svg").decode()
    assert drawn[drawn.index("<svg"):].strip() == inline_svg(page).strip()


def test_a_focused_or_collapsed_page_gets_the_dot_of_what_it_shows(two):
    olivia, _eunji = two
    for query in ("focus=sma-scope-fixed&depth=1", "collapse=treaty-alliance"):
        page = olivia.get(f"{MAP}?{query}").get_data(as_text=True)
        dot_url = unescape(re.search(r'data-dot="([^"]+)"', page).group(1))
        assert dot_url.endswith(query)
        source = olivia.get(dot_url).get_data(as_text=True)
        assert source != olivia.get(f"{MAP}/view.dot").get_data(as_text=True)
        drawn = run_dot(source, "svg").decode()
        assert drawn[drawn.index("<svg"):].strip() == inline_svg(page).strip()


def test_the_dot_follows_the_session_s_choices(two):
    olivia, _eunji = two
    titles = olivia.get(f"{MAP}/view.dot").get_data(as_text=True)  # a big map: titles
    post(olivia, f"{MAP}/whatif", {"action": "labels", "labels": "full"})
    full = olivia.get(f"{MAP}/view.dot")
    assert full.get_data(as_text=True) != titles
    page = olivia.get(MAP).get_data(as_text=True)
    drawn = run_dot(full.get_data(as_text=True), "svg").decode()
    assert drawn[drawn.index("<svg"):].strip() == inline_svg(page).strip()


def test_the_same_revision_is_a_304_and_a_change_is_not(two, app):
    olivia, eunji = two
    first = olivia.get(f"{MAP}/view.dot")
    etag = first.headers["ETag"]
    again = olivia.get(f"{MAP}/view.dot", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    post(eunji, f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal", "text": "Not so."})
    moved = olivia.get(f"{MAP}/view.dot", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert "Not so." in moved.get_data(as_text=True)
    with app.app_context():
        assert moved.headers["X-Argmap-Revision"] == str(
            get_map(db.session(), slug="seminar").revision)


def test_strangers_get_neither_the_dot_nor_the_news_of_a_private_map(two, app):
    stranger = app.test_client()
    assert stranger.get(f"{MAP}/view.dot").status_code == 404
    sign_up(stranger, "mallory")
    assert stranger.get(f"{MAP}/view.dot").status_code == 404
    assert stranger.get(f"{MAP}/changes?since=0").status_code == 404


def test_user_text_in_the_dot_and_the_news_is_escaped(two, app):
    olivia, eunji = two
    with app.app_context():
        seen = latest_change(db.session(), map_id=ident(get_map(db.session(), slug="seminar")))
    evil = 'Quote " and <b>bold</b> & </script>'
    post(eunji, f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "title": "", "text": evil})
    source = olivia.get(f"{MAP}/view.dot").get_data(as_text=True)
    # In the box's HTML-like label as entities; in the quoted tooltip, the quote escaped.
    assert "Quote &quot; and &lt;b&gt;bold&lt;/b&gt; &amp; &lt;/script&gt;" in source
    assert 'tooltip="Quote \\" and <b>bold</b> & </script>"' in source
    drawn = run_dot(source, "svg").decode()  # still valid DOT, and no markup comes out
    assert "<b>" not in drawn and "</script>" not in drawn
    news = olivia.get(f"{MAP}/changes?since={seen}").get_data(as_text=True)
    assert "<b>" not in news and "&lt;b&gt;bold&lt;/b&gt;" in news


def test_the_poller_says_who_changed_what_and_which_nodes(two, app):
    olivia, eunji = two
    page = olivia.get(MAP).get_data(as_text=True)
    poll = unescape(found(r'hx-get="([^"]+/revision[^"]+)"', page).group(1))
    post(eunji, f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal",
                                                   "text": "The treaty says nothing of it."})
    answer = olivia.get(poll, headers={"HX-Request": "true"}).get_data(as_text=True)
    news = found(r'<p id="live-news"[^>]*hx-swap-oob="true"[^>]*>(.*?)</p>', answer, re.S)
    line = " ".join(news.group(1).split())
    assert line.startswith("Eun-ji Lee added an objection to \u201c")
    added = found(r'data-added="([^"]*)"', answer).group(1).split()
    assert len(added) == 1
    source = olivia.get(f"{MAP}/view.dot").get_data(as_text=True)
    assert f'id="n-{added[0]}"' in source and "The treaty says nothing of it." in source
    # Her own change is no news to Eun-ji.
    mine = eunji.get(poll, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-added=""' in mine and "Eun-ji Lee added" not in mine


def test_the_news_of_edits_names_the_node_and_is_bounded(two, app):
    olivia, eunji = two
    with app.app_context():
        seen = latest_change(db.session(), map_id=ident(get_map(db.session(), slug="seminar")))
    for n in range(5):
        post(eunji, f"{MAP}/nodes/thesis/arguments", {"form": "evidence", "text": f"Fact {n}.",
                                                       "document": "Doc", "locator": "p. 1",
                                                       "quote": "q"})
    reply = post(eunji, f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "title": "",
                                                      "text": "A sharper thesis."})
    assert reply.status_code == 303, reply.get_data(as_text=True)
    news = olivia.get(f"{MAP}/changes?since={seen}").get_data(as_text=True)
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", news)).split())
    assert text.startswith("Eun-ji Lee edited \u201cA sharper thesis.\u201d; Eun-ji Lee added "
                           "evidence to \u201c")
    assert text.endswith("and 3 more changes.")
    assert found(r'data-edited="thesis"', news)
    assert len(found(r'data-added="([^"]*)"', news).group(1).split()) == 5
