"""Mapping from the source text: a node made from a passage is anchored to exactly the
characters selected, connected to its target in the same change, and every bad input is a 422
next to its field with nothing stored. The source view counts the sentences mapped."""

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from argmap import db, paths
from argmap.domain.history import Change
from argmap.domain.mapping import Passage, anchor_phrase, locate
from argmap.domain.maps import attach_text, get_map
from argmap.domain.passages import mapped_sentences, sentences
from argmap.errors import InvalidInput
from argmap.models import QUOTE_MAX, Node, Premise, Relation
from tests.helpers import invite_link, post, sign_up
from tests.test_web_edit import field_error, node_row, state

OPED = Path(paths.PACKAGE_DIR).parent.parent / "shared" / "seed" / "oped.txt"
# "Cats purr." twice in paragraph 1 (at 0 and 29); "Dogs bark" in paragraphs 1 and 2.
TEXT = "Cats purr. Dogs bark loudly. Cats purr.\nBirds sing. Dogs bark loudly at night.\nFish swim."
URL = "/maps/mine/nodes/passages"


@pytest.fixture
def mine(client):
    sign_up(client, "olivia", "Olivia Kim")
    assert post(client, "/maps", {"title": "Mine", "source_text": TEXT}).status_code == 303
    post(client, "/maps/mine/nodes", {"kind": "thesis", "text": "Animals are noisy."})
    return "/maps/mine"


def coverage(client, path="/maps/mine"):
    html = client.get(f"{path}?view=text").get_data(as_text=True)
    return re.search(r'id="coverage"><strong>(\d+) of (\d+) sentences? mapped', html).groups()


def test_locate_a_selection_exactly_and_a_typed_phrase_by_its_paragraph():
    # The selection's own offset picks the second "Cats purr.", not the first.
    assert locate(TEXT, quote="Cats purr.", start="29") == Passage(1, 29, 39)
    assert locate(TEXT, quote=" Cats purr.", start="28") == Passage(1, 29, 39)  # space trimmed
    assert locate(TEXT, quote="Dogs bark", paragraph="2") == Passage(2, 52, 61)
    assert locate(TEXT, quote="Fish") == Passage(3, 79, 83)
    for quote, extra, field, message in [
            ("Cows moo", {}, "passage_quote", "does not occur in the text"),
            ("Dogs bark", {}, "passage_paragraph", "occurs in paragraphs 1 and 2"),
            ("Fish", {"paragraph": "2"}, "passage_quote", "does not occur in paragraph 2"),
            ("Fish", {"paragraph": "9"}, "passage_paragraph", "does not exist"),
            ("Cats purr.\nBirds", {"start": "29"}, "passage_quote",
             "runs across paragraphs (from paragraph 1)"),
            ("Cats purr.", {"start": "3"}, "passage_quote", "has changed"),
            ("Birds", {"start": "40", "paragraph": "1"}, "passage_paragraph",
             "in paragraph 2, not 1"),
            ("  ", {}, "passage_quote", "select a passage")]:
        with pytest.raises(InvalidInput) as caught:
            locate(TEXT, quote=quote, **extra)
        assert caught.value.field == field and message in str(caught.value), quote
    with pytest.raises(InvalidInput, match="attach the source text"):
        locate(None, quote="Cats")


def test_a_long_passage_keeps_its_offsets_and_a_short_anchor_phrase():
    words = "word " * 100
    phrase = anchor_phrase(words.strip())
    assert len(phrase) <= QUOTE_MAX and words.startswith(phrase) and not phrase.endswith(" ")


def test_sentences_follow_the_anchor_rule_and_count_as_mapped_when_a_passage_lies_in_them():
    spans = sentences(TEXT)
    assert [TEXT[a:b] for a, b in spans] == [
        "Cats purr.", "Dogs bark loudly.", "Cats purr.", "Birds sing.",
        "Dogs bark loudly at night.", "Fish swim."]
    # A passage of three characters in the second sentence, and one across sentences 4-5.
    assert mapped_sentences(TEXT, [("a", 12, 15), ("b", 45, 56)]) == [
        False, True, False, True, True, False]


def test_map_the_second_of_two_same_sentences_then_a_reason_for_it(client, app, mine):
    before = coverage(client)
    assert before == ("0", "6")
    page = client.get("/maps/mine?view=text").get_data(as_text=True)
    assert 'id="map-passage-button"' in page and 'action="/maps/mine/nodes/passages"' in page
    assert page.count('<span class="unmapped">') == 7  # six sentences and the legend
    reply = post(client, URL, {"passage_quote": "Cats purr.", "passage_start": "29",
                               "passage_paragraph": "1", "kind": "claim", "view": "text",
                               "text": "Cats say they are content."}, htmx="view")
    assert reply.status_code == 200 and reply.headers["HX-Retarget"] == "#panel"
    assert reply.headers["HX-Push-Url"] == "/maps/mine?view=text&node=claim-1"
    assert "Cats say they are content." in reply.get_data(as_text=True)
    node = node_row(app, "claim-1", "mine")
    assert (node.passage_paragraph, node.passage_quote, node.passage_start,
            node.passage_end) == (1, "Cats purr.", 29, 39)
    assert coverage(client) == ("1", "6")
    # The view marks exactly the second sentence, selected for the node just added.
    html = client.get("/maps/mine?view=text&node=claim-1").get_data(as_text=True)
    assert re.search(r'<span class="unmapped">Cats purr\.</span> <span class="unmapped">Dogs '
                     r'bark loudly\.</span> <span class="anchor" id="passage-claim-1"></span>'
                     r'<mark class="passage selected">Cats purr\.</mark>', html)

    # Without JavaScript: typed words, their paragraph and a target, one change in history.
    revision = state(app, "mine")[0]
    reply = post(client, URL, {"passage_quote": "Dogs bark", "passage_paragraph": "2",
                               "kind": "claim", "text": "Dogs are loud.", "view": "text",
                               "relation": "support", "target": "thesis-1"})
    assert reply.status_code == 303
    assert reply.location.endswith("/maps/mine?view=text&node=claim-2#panel")
    node = node_row(app, "claim-2", "mine")
    assert (node.passage_paragraph, node.passage_start, node.passage_end) == (2, 52, 61)
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="mine")
        latest = session.exec(select(Change).where(Change.map_id == found.id)
                              .order_by(Change.id.desc())).first()
        tables = {row[0] for row in json.loads(latest.rows)}
        step = session.exec(select(Relation.kind, Relation.target_node_id).join(
            Premise, Premise.relation_id == Relation.id).where(Premise.node_id == node.id)).one()
        thesis = session.exec(select(Node.id).where(Node.map_id == found.id,
                                                    Node.key == "thesis-1")).one()
        assert found.revision == revision + 1  # one transaction
    assert step == ("support", thesis)
    assert {"node", "relation"} <= tables  # the node and its step, one change
    assert latest.action.startswith("Added claim")
    assert coverage(client) == ("2", "6")


def test_an_attack_on_a_chosen_node(client, app, mine):
    reply = post(client, URL, {"passage_quote": "Fish swim.", "kind": "rebuttal",
                               "text": "Fish are quiet.", "relation": "attack",
                               "target": "thesis-1"})
    assert reply.status_code == 303
    with app.app_context():
        session = db.session()
        key = session.exec(select(Node.key).where(Node.text == "Fish are quiet.")).one()
    assert key == "rebuttal-1"


def test_evidence_from_a_passage_with_its_citation(client, app, mine):
    reply = post(client, URL, {"passage_quote": "Birds sing.", "kind": "evidence",
                               "text": "Birds are heard.", "document": "Field notes",
                               "locator": "p. 2", "relation": "support",
                               "target": "thesis-1"})
    assert reply.status_code == 303
    assert node_row(app, "evidence-1", "mine").source_id is not None


BAD = [
    ({"passage_quote": "Cows moo"}, "passage_quote", "does not occur in the text"),
    ({"passage_quote": "Dogs bark"}, "passage_paragraph", "occurs in paragraphs 1 and 2"),
    ({"passage_quote": "Cats purr.\r\nBirds", "passage_start": "29"}, "passage_quote",
     "runs across paragraphs"),
    ({"passage_quote": "Fish", "text": "  "}, "text", ""),
    ({"passage_quote": "Fish", "kind": "evidence"}, "document", "evidence must cite"),
    ({"passage_quote": "Fish", "target": "thesis-1", "relation": "sideways"}, "relation",
     "supports or attacks"),
    ({"passage_quote": "Fish", "target": "gone"}, "target", "no node matches “gone”"),
    ({"passage_quote": "Fish", "kind": "thesis", "target": "thesis-1"}, "kind",
     "a thesis is what the map argues for"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD, ids=[b[1] + "-" + str(i)
                                                                   for i, b in enumerate(BAD)])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_bad_input_is_refused_next_to_its_field(client, app, mine, change, field, message,
                                                htmx):
    before = state(app, "mine")
    values = {"kind": "claim", "text": "A paraphrase.", "relation": "support", **change}
    reply = post(client, URL, values, htmx="view" if htmx else None)
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    error = field_error(html, "map", field)
    assert error is not None and message in error, (field, error)
    assert state(app, "mine") == before
    assert '<details class="map-passage" id="map-passage" open>' in html
    # What was typed is kept.
    assert "A paraphrase." in html or values["text"].strip() == ""


def test_readers_and_visitors_see_the_count_but_cannot_map(client, app, mine):
    link = invite_link(client, "/maps/mine", "viewer")
    post(client, "/maps/mine/sharing/visibility", {"public": "1"})
    post(client, "/logout")
    anonymous = client.get("/maps/mine?view=text").get_data(as_text=True)
    assert "0 of 6 sentences mapped" in anonymous and '<span class="unmapped">' in anonymous
    assert "map-passage" not in anonymous
    assert post(client, URL, {"passage_quote": "Fish", "kind": "claim",
                              "text": "x"}).status_code in (302, 303, 403)
    sign_up(client, "rhea", "Rhea")
    post(client, link, {"as": "account"})
    reader = client.get("/maps/mine?view=text").get_data(as_text=True)
    assert "0 of 6 sentences mapped" in reader and "map-passage" not in reader
    before = state(app, "mine")
    assert post(client, URL, {"passage_quote": "Fish", "kind": "claim",
                              "text": "x"}).status_code == 403
    assert state(app, "mine") == before
    # Without the token, even the owner is refused.
    post(client, "/logout")
    post(client, "/login", {"username": "olivia", "password": "correct horse 1"})
    refused = client.post(URL, data={"passage_quote": "Fish", "kind": "claim", "text": "x"})
    assert refused.status_code in (400, 403) and state(app, "mine") == before


def test_editing_a_node_keeps_its_exact_passage(client, app, mine):
    post(client, URL, {"passage_quote": "Cats purr.", "passage_start": "29",
                       "kind": "claim", "text": "Content cats."})
    node = node_row(app, "claim-1", "mine")
    post(client, "/maps/mine/nodes/claim-1/edit", {
        "kind": "claim", "text": "Cats are content.", "version": str(node.version),
        "passage_quote": "Cats purr.", "passage_paragraph": "1"})
    node = node_row(app, "claim-1", "mine")
    assert (node.text, node.passage_start, node.passage_end) == ("Cats are content.", 29, 39)


@pytest.mark.skipif(not OPED.exists(), reason="the op-ed text is not in ../shared/seed")
def test_the_seed_maps_text_counts_its_mapped_sentences(client, app):
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            attach_text(session, found=get_map(session, slug="treaty-alliance"),
                        text=OPED.read_text(encoding="utf-8"))
    html = client.get("/maps/treaty-alliance?view=text").get_data(as_text=True)
    assert "27 of 46 sentences mapped" in html
    assert html.count('<span class="unmapped">') == 46 - 27 + 1  # and the legend
    # The op-ed's title line is no node's passage.
    assert '<span class="unmapped">The weight of a treaty alliance</span>' in html
    assert "map-passage" not in html  # the seed is read-only
