"""Evaluation on the page: labels in the outline and the panel, what-if for one session only,
and members' ratings as base scores."""

import re

from tests.helpers import fork_seed, post, sign_up

SEED = "/maps/treaty-alliance"
# The editors' objections to the op-ed's answers to both objections the thesis faces.
ANSWERS = ("ed-korus-linkage", "ed-strategic-flexibility", "ed-ndaa-consultation")
AT_FIRST = ("OUT", 67)


def thesis_state(client) -> tuple[str, int]:
    html = client.get(f"{SEED}?view=outline").get_data(as_text=True)
    item = html[html.index('id="o-thesis"'):]
    match = re.search(r'class="eval eval-(\w+)">[^<]*· strength (\d+)%', item)
    return match.group(1), int(match.group(2))


def test_outline_and_panel_show_labels_strengths_and_reasons(client):
    assert thesis_state(client) == AT_FIRST
    panel = client.get(f"{SEED}?node=withdrawal-needs-consent").get_data(as_text=True)
    box = panel[panel.index('class="evaluation-box"'):]
    assert "eval-OUT" in box and "defeated" in box and "Defeated by" in box
    assert '<meter min="0" max="1"' in box and "Strongest influences" in box
    svg = client.get(SEED).get_data(as_text=True)
    assert "STANDS" in svg and "DEFEATED" in svg  # the diagram carries the marks too
    assert b"STANDS" not in client.get(f"{SEED}/export.svg").data  # exports: off by default
    assert b"STANDS" in client.get(f"{SEED}/export.svg?evaluation=yes").data


def test_what_if_changes_the_thesis_for_this_session_only(client, app):
    other = app.test_client()
    for key in ANSWERS:
        reply = post(client, f"{SEED}/whatif", {"key": key, "action": "withdraw"},
                     htmx="panel")
        assert reply.status_code == 200 and "map-changed" in reply.headers["HX-Trigger"]
    state, strength = thesis_state(client)
    assert state == "IN" and strength == 81
    page = client.get(f"{SEED}?view=outline").get_data(as_text=True)
    assert "What-if (only you see this)" in page
    assert thesis_state(other) == AT_FIRST  # another browser sees the map unchanged
    post(client, f"{SEED}/whatif", {"action": "clear"})
    assert thesis_state(client) == AT_FIRST


def test_members_rate_nodes_and_the_mean_sets_the_base_score(client, app):
    sign_up(client, "olivia")
    fork = fork_seed(client)
    before = client.get(f"{fork}?node=three-treaties").get_data(as_text=True)
    assert "stands" in before
    reply = post(client, f"{fork}/nodes/three-treaties/rating", {"rating": "4"}, htmx="panel")
    assert reply.status_code == 200 and "Rating saved." in reply.get_data(as_text=True)
    html = client.get(f"{fork}?view=outline").get_data(as_text=True)
    item = html[html.index('id="o-three-treaties"'):]
    assert re.search(r"stands · strength 100%", item[:800])
    # The panel tells the verdict from the strength, and where the strength starts.
    panel = client.get(f"{fork}?node=three-treaties").get_data(as_text=True)
    assert "its members’ rating (4.0 of 4, 1 rating)" in panel
    assert "A defeated claim can be strong, and one that stands can be weak." in panel
    assert "50% (nobody has rated it yet)" in client.get(f"{fork}?node=thesis").get_data(
        as_text=True)
    bad = post(client, f"{fork}/nodes/three-treaties/rating", {"rating": "9"}, htmx="panel")
    assert bad.status_code == 422 and "rate from 0" in bad.get_data(as_text=True)
    anonymous = app.test_client()
    assert post(anonymous, f"{SEED}/nodes/thesis/rating", {"rating": "2"}).status_code == 403


def test_reading_switch_for_this_session(client, app):
    panel = client.get(f"{SEED}?node=mdt-commits-defense").get_data(as_text=True)
    assert "Does not count: undercut by" in panel  # the undercut step is explained
    reply = post(client, f"{SEED}/whatif", {"action": "reading", "reading": "necessary"},
                 htmx="panel")
    assert reply.status_code == 200
    page = client.get(f"{SEED}?view=outline").get_data(as_text=True)
    assert '<option value="necessary" selected>' in page
    other = app.test_client().get(f"{SEED}?view=outline").get_data(as_text=True)
    assert '<option value="plain" selected>' in other
    bad = post(client, f"{SEED}/whatif", {"action": "reading", "reading": "loose"})
    assert bad.status_code == 400


def test_a_session_can_hide_the_evaluation(client, app):
    post(client, f"{SEED}/whatif", {"key": ANSWERS[0], "action": "withdraw"})
    reply = post(client, f"{SEED}/whatif", {"action": "reading", "reading": "hidden"},
                 htmx="panel")
    assert reply.status_code == 200 and "map-changed" in reply.headers["HX-Trigger"]
    outline = client.get(f"{SEED}?view=outline").get_data(as_text=True)
    assert '<option value="hidden" selected>' in outline
    assert 'class="eval ' not in outline and "What-if" not in outline
    assert 'id="o-thesis"' in outline  # the map itself is all there
    panel = client.get(f"{SEED}?node=withdrawal-needs-consent").get_data(as_text=True)
    assert "evaluation-box" not in panel and "Attacked by" in panel
    diagram = client.get(SEED).get_data(as_text=True)
    assert "<svg" in diagram and "STANDS" not in diagram and "DEFEATED" not in diagram
    assert "STANDS" in app.test_client().get(SEED).get_data(as_text=True)  # others: shown
    post(client, f"{SEED}/whatif", {"action": "reading", "reading": "plain"})
    assert thesis_state(client)[0] in ("IN", "OUT")  # back, with the what-if kept
    assert "What-if (only you see this)" in client.get(SEED).get_data(as_text=True)
