"""Maps of any size on the page (issue 16, part 5): finding nodes, choosing one by typing,
and the part of the map shown (focus, depth, collapse, expand) kept in the address."""

import html
import re
from dataclasses import replace

import pytest

from argmap.domain.access import make_owner
from argmap.domain.accounts import sign_up as make_account
from argmap.domain.finding import find_nodes, resolve_node
from argmap.domain.maps import import_map
from argmap.errors import InvalidInput
from argmap.mapdata import keep_only
from tests.helpers import log_in, node, post, rel, source, start_from, tiny_map
from tests.test_large_maps import big_map

SMALL = tiny_map(
    node("root", "thesis", "The alliance holds.", title="Alliance"),
    node("cost", "claim", "Cost-sharing is a treaty matter.", title="Treaty matter"),
    node("tariff", "claim", "관세와 방위비는 별개다.", title="관세"),
    node("evil", "claim", "<script>alert('x')</script> shows up as text."),
    node("deep", "evidence", "The 1953 treaty, article IV.", cites="src"),
    node("twin-a", "claim", "Twin claim about burden.", title="Twin"),
    node("twin-b", "claim", "Twin claim about burden, again.", title="Twin"),
    relations=(rel("support", "cost", "root"), rel("support", "tariff", "root"),
               rel("attack", "evil", "root"), rel("support", "deep", "cost"),
               rel("support", "twin-a", "cost"), rel("attack", "twin-b", "tariff")),
    sources=(source(),), slug="small")


def _store(session) -> None:
    import_map(session, data=big_map()).visibility = "public"
    data = big_map()
    medium = replace(keep_only(data, {n.key for n in data.nodes[:305]}), slug="medium",
                     title="A 305-node map")
    import_map(session, data=medium).visibility = "public"
    owner = make_account(session, username="mina", display_name="Mina", password="correct horse 1",
                         address="127.0.0.1")
    make_owner(session, found=import_map(session, data=SMALL), user=owner)  # private


prepared_url, database_url = start_from(_store)


@pytest.fixture
def mina(client):
    log_in(client, "mina")
    return client


def test_search_is_case_insensitive_in_any_script_and_finds_keys_and_titles():
    assert [n.key for n in find_nodes(SMALL, "TREATY").matches] == ["cost", "deep"]
    assert [n.key for n in find_nodes(SMALL, "관세").matches] == ["tariff"]
    assert [n.key for n in find_nodes(SMALL, "ＴＷＩＮ").matches] == ["twin-a", "twin-b"]
    assert find_nodes(SMALL, "deep").matches[0].key == "deep"  # by its key
    assert find_nodes(SMALL, "   ").total == 0


def test_search_is_bounded_and_counts_the_rest():
    found = find_nodes(big_map(), "point")
    assert len(found.matches) == 20 and found.total == 1960 and found.more == 1940
    with pytest.raises(InvalidInput, match="at most 200 characters"):
        find_nodes(SMALL, "x" * 201)


def test_the_chooser_resolves_a_key_a_title_or_a_unique_text_match():
    assert resolve_node(SMALL, "deep", field="target").key == "deep"
    assert resolve_node(SMALL, "treaty matter", field="target").key == "cost"
    assert resolve_node(SMALL, "article iv", field="target").key == "deep"
    assert resolve_node(SMALL, "whatever", field="target", chosen="evil").key == "evil"
    with pytest.raises(InvalidInput, match=r"matches 2 nodes: “Twin”, “Twin”; type more"):
        resolve_node(SMALL, "twin", field="target")
    with pytest.raises(InvalidInput, match="no node matches “nothing like it”"):
        resolve_node(SMALL, "nothing like it", field="target")


def test_the_page_with_q_lists_matches_as_links_without_javascript(client):
    reply = client.get("/maps/big?q=point 20 on claim 3")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    results = page[page.index('id="find-results"'):page.index("</ul>", page.index(
        'id="find-results"'))]
    links = re.findall(r'href="([^"]+)"', results)
    assert len(links) == 20 and "27 nodes match" in results and "7 more" in page
    # The first is the node typed; its link opens what is above it, so that it is drawn.
    assert html.unescape(links[0]) == "/maps/big?expand=n-3-6&node=n-3-20"


def test_the_live_search_answers_with_the_results_alone(client):
    reply = client.get("/maps/medium?q=claim number 5", headers={"HX-Request": "true",
                                                          "HX-Target": "find-results"})
    body = reply.get_data(as_text=True)
    assert reply.status_code == 200 and body.lstrip().startswith('<div id="find-results"')
    assert "Claim number 5." in body and "<svg" not in body


def test_search_escapes_what_it_shows(mina):
    page = mina.get("/maps/small?q=script").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)" in page
    answer = mina.get("/maps/small/nodes/find?q=script").get_json()
    assert answer["matches"][0]["label"].startswith("<script>")  # JSON: the page sets text
    long = mina.get("/maps/small?q=" + "x" * 300).get_data(as_text=True)
    assert "type at most 200 characters" in long


def test_the_suggestions_are_bounded_and_leave_out_the_node_itself(client):
    answer = client.get("/maps/big/nodes/find?q=claim 3&except=claim-3").get_json()
    assert len(answer["matches"]) == 20 and answer["more"] == answer["total"] - 20
    assert "claim-3" not in [m["key"] for m in answer["matches"]]
    assert client.get("/maps/big/nodes/find?q=" + "y" * 201).status_code == 400


def test_a_private_maps_search_is_refused_to_strangers(client, mina, app):
    stranger = app.test_client()
    assert stranger.get("/maps/small/nodes/find?q=alliance").status_code == 404
    assert stranger.get("/maps/small?q=alliance").status_code == 404
    assert mina.get("/maps/small/nodes/find?q=alliance").get_json()["total"] == 1


@pytest.mark.parametrize("typed, status, message", [
    ("article iv", 303, None),
    ("twin", 422, "matches 2 nodes: “Twin”, “Twin”; type more of the text"),
    ("no such words", 422, "no node matches “no such words”"),
    ("", 422, "choose the node"),
])
def test_connecting_resolves_what_was_typed(mina, typed, status, message):
    reply = post(mina, "/maps/small/nodes/evil/links", {"kind": "attack", "target": typed})
    assert reply.status_code == status
    if message:
        page = html.unescape(reply.get_data(as_text=True))
        assert re.search(r'id="link-target-error"[^>]*>[^<]*' + re.escape(message), page)
        assert f'value="{typed}"' in page  # what was typed is kept
    else:
        panel = mina.get("/maps/small?node=evil").get_data(as_text=True)
        assert "It attacks" in panel and "The 1953 treaty, article IV." in panel


def test_a_picked_suggestion_wins_over_the_text(mina):
    reply = post(mina, "/maps/small/nodes/evil/links",
                 {"kind": "support", "target": "Twin", "target_key": "twin-b"})
    assert reply.status_code == 303
    panel = mina.get("/maps/small?node=twin-b").get_data(as_text=True)
    assert "<script>alert(" not in panel and "Supported by" in panel


def test_the_panel_sends_no_list_of_every_node(client):
    page = client.get("/maps/big?node=claim-3").get_data(as_text=True)
    assert page.count("<option") < 40  # it had one for each of 2,001 nodes, twice


def _drawn(page: str) -> tuple[set[str], set[str]]:
    view = html.unescape(page[page.index('id="diagram"'):])  # dot writes "-" as &#45;
    return (set(re.findall(r'<g id="n-([\w-]+)" class="node', view)),
            set(re.findall(r'<g id="s-([\w-]+)" class="node', view)))


def test_a_big_map_opens_on_its_thesis_and_two_levels_with_stubs(client):
    page = client.get("/maps/big").get_data(as_text=True)
    assert 'id="diagram-pending"' in page and "Showing 321 of 2,001 nodes" in page
    nodes, stubs = _drawn(client.get("/maps/big?draw=now").get_data(as_text=True))
    assert len(nodes) == 1 + 40 + 40 * 7 and len(stubs) == 40 * 7
    assert "n-3-20" not in nodes and "n-3-6" in stubs
    opened = client.get("/maps/big?draw=now&open=n-3-6")
    nodes, stubs = _drawn(opened.get_data(as_text=True))
    assert {"n-3-13", "n-3-20", "n-3-48"} <= nodes and "n-3-6" not in stubs
    assert 'data-url="/maps/big?expand=n-3-6"' in opened.get_data(as_text=True)


def test_focus_depth_and_collapse_are_kept_in_every_link(client):
    page = client.get("/maps/medium?focus=claim-2&depth=1&draw=now").get_data(as_text=True)
    nodes, stubs = _drawn(page)
    assert nodes == {"claim-2", *(f"n-2-{r}" for r in range(7))} and len(stubs) == 7
    assert "Focused on “Claim number 2.” and 1 level below it" in page
    tab_link = re.search(r'href="([^"]+)"[^>]*>Outline</a>', page)
    assert tab_link is not None
    tab = tab_link.group(1)
    assert html.unescape(tab) == "/maps/medium?view=outline&focus=claim-2&depth=1"
    assert 'href="/maps/medium?focus=claim-2&depth=1&node=n-2-3"' in html.unescape(page)
    outline = client.get(html.unescape(tab)).get_data(as_text=True)
    assert outline.count('class="node-link') == 8 and "+6 hidden" in outline
    collapsed = client.get("/maps/medium?collapse=claim-1,claim-2&draw=now")
    nodes, stubs = _drawn(collapsed.get_data(as_text=True))
    assert {"claim-1", "claim-2"} <= stubs and not any(k.startswith("n-1-") for k in nodes)


def test_the_view_options_are_part_of_the_drawing_and_its_cache_key(client, app):
    whole = client.get("/maps/medium?draw=now").get_data(as_text=True)
    focused = client.get("/maps/medium?focus=claim-1&draw=now").get_data(as_text=True)
    again = client.get("/maps/medium?focus=claim-1").get_data(as_text=True)  # now cached
    assert _drawn(whole) != _drawn(focused) == _drawn(again)


@pytest.mark.parametrize("query, message", [
    ("focus=nobody", "focus: no node &#39;nobody&#39; in this map"),
    ("collapse=claim-1,ghost", "collapse: no node &#39;ghost&#39; in this map"),
    ("expand=ghost", "expand: no node &#39;ghost&#39; in this map"),
    ("focus=claim-1&depth=9", "depth: must be 1, 2 or 3"),
    ("focus=claim-1&depth=x", "depth: must be 1, 2 or 3"),
    ("collapse=" + ",".join(f"k{i}" for i in range(201)), "at most 200 nodes"),
])
def test_bad_view_options_are_refused_with_a_message(client, query, message):
    reply = client.get(f"/maps/medium?{query}")
    assert reply.status_code == 400 and message in reply.get_data(as_text=True)


def test_a_live_refresh_forgets_a_node_deleted_meanwhile(client):
    reply = client.get("/maps/medium?focus=gone&collapse=claim-1",
                       headers={"HX-Request": "true", "HX-Target": "view"})
    assert reply.status_code == 200 and "Focused on" not in reply.get_data(as_text=True)


def test_a_view_too_big_to_draw_still_says_so(client):
    many = ",".join(f"n-{c}-{r}" for c in range(28) for r in range(7))
    page = client.get(f"/maps/big?draw=now&expand={many}").get_data(as_text=True)
    assert "argmap draws at most 600 at once" in page and "outline" in page
