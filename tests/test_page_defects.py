"""Defects a user meets on the map page and around it (issue 16, part 7), each with a test."""

import re

from tests.helpers import fork_seed, post, sign_up


def test_anonymous_visitors_are_not_offered_forms_they_cannot_use(client):
    index = client.get("/").get_data(as_text=True)
    assert "Import a map" not in index and 'action="/maps/import"' not in index
    assert "sign up" in index and "import one" in index
    text = client.get("/maps/treaty-alliance?view=text").get_data(as_text=True)
    assert "Attach the source text" not in text and "Replace the source text" not in text
    assert 'action="/maps/treaty-alliance/text"' not in text
    sign_up(client, "ada")
    assert "Import a map" in client.get("/").get_data(as_text=True)
    assert "Replace the source text" not in client.get(
        "/maps/treaty-alliance?view=text").get_data(as_text=True)  # readers still can't
    mine = fork_seed(client)
    page = client.get(mine.split("?")[0] + "?view=text").get_data(as_text=True)
    assert "Replace the source text" in page or "Attach the source text" in page


def counts_in(html: str) -> str:
    match = re.search(r'<span id="map-counts"[^>]*>([^<]*)</span>', html)
    assert match, "no counts in the answer"
    return match.group(1)


def test_the_headers_counts_follow_every_edit_and_say_one_node(client):
    sign_up(client, "ada")
    mine = fork_seed(client).split("?")[0]
    assert counts_in(client.get(mine).get_data(as_text=True)) == "· 38 nodes · 34 relations"
    reply = post(client, f"{mine}/nodes/sma-scope-fixed/arguments",
                 {"form": "rebuttal", "text": "One more objection."}, htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and 'id="map-counts" class="meta" hx-swap-oob="true"' in html
    assert counts_in(html) == "· 39 nodes · 35 relations"
    view = client.get(mine + "?view=outline", headers={"HX-Request": "true",
                                                       "HX-Target": "view"})
    assert counts_in(view.get_data(as_text=True)) == "· 39 nodes · 35 relations"
    created = post(client, "/maps", {"title": "Tiny"})
    assert created.status_code == 303
    tiny = created.location.split("?")[0]
    assert counts_in(client.get(tiny).get_data(as_text=True)) == "· 0 nodes · 0 relations"
    added = post(client, f"{tiny}/nodes", {"kind": "thesis", "text": "One thought."},
                 htmx="panel")
    assert counts_in(added.get_data(as_text=True)) == "· 1 node · 0 relations"


def test_undo_says_what_it_undid_and_nothing_to_undo_is_not_a_404(client):
    sign_up(client, "ada")
    mine = fork_seed(client).split("?")[0]
    nothing = post(client, f"{mine}/undo", {"back": "map"})
    assert nothing.status_code == 303 and nothing.location.split("?")[0] == mine
    page = client.get(nothing.location).get_data(as_text=True)
    assert re.search(r'role="status">Nothing to undo: you have no change on this map', page)
    post(client, f"{mine}/nodes/sma-scope-fixed/arguments",
         {"form": "rebuttal", "text": "One more objection."}, htmx="panel")
    undone = post(client, f"{mine}/undo", {"back": "map"})
    assert undone.status_code == 303
    page = client.get(undone.location).get_data(as_text=True)
    said = re.search(r'role="status">Undone: ([^<]*)</p>', page)
    assert said and "added rebuttal" in said.group(1)
    assert "attack: rebuttal" in said.group(1) and "\u2192 sma-scope-fixed" in said.group(1)
    assert "One more objection." not in client.get(mine + "?view=outline").get_data(
        as_text=True)


def test_history_names_the_nodes_a_relation_links(client):
    sign_up(client, "ada")
    mine = fork_seed(client).split("?")[0]
    post(client, f"{mine}/nodes/sma-scope-fixed/arguments",
         {"form": "reason", "text": "Another reason."}, htmx="panel")
    history = client.get(f"{mine}/history").get_data(as_text=True)
    line = re.search(r"added support: ([\w-]+) \u2192 sma-scope-fixed", history)
    assert line and line.group(1).startswith("claim")


def test_a_fork_asked_for_before_signing_up_is_waiting_afterwards(client):
    asked = post(client, "/maps/treaty-alliance/fork", {"title": "Group B's copy"})
    assert asked.status_code == 303 and "/login" in asked.location
    assert "next=/maps/treaty-alliance" in asked.location.replace("%2F", "/")
    sign_up(client, "ada")  # through the login page's "Sign up" link, which keeps `next`
    page = client.get("/maps/treaty-alliance").get_data(as_text=True)
    assert re.search(r'<details class="fork drop" open>', page)
    assert "You are logged in: fork the map now." in page
    assert 'value="Group B&#39;s copy"' in page
    again = client.get("/maps/treaty-alliance").get_data(as_text=True)
    assert '<details class="fork drop" open>' not in again  # asked once, offered once


def test_only_additions_to_someone_elses_text_are_marked_as_editors_additions(client):
    sign_up(client, "ada", "Ada Lovelace")
    own = post(client, "/maps", {"title": "My essay", "source_text": "I think so."})
    mine = own.location.split("?")[0]
    post(client, f"{mine}/nodes", {"kind": "thesis", "text": "My own thesis."}, htmx="panel")
    assert "ADDITION" not in client.get(f"{mine}/export.dot").get_data(as_text=True)
    fork = fork_seed(client).split("?")[0]  # an op-ed by Yoo Jee-hye: Ada adds to it
    post(client, f"{fork}/nodes/thesis/arguments", {"form": "rebuttal", "text": "Ada's."},
         htmx="panel")
    dot = client.get(f"{fork}/export.dot").get_data(as_text=True)
    added = [line for line in dot.splitlines() if "Ada&#x27;s." in line or "Ada's." in line]
    assert added and "EDITOR\u2019S ADDITION" in added[0]
