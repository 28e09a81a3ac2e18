"""Co-premises in the node panel: add one (a new claim or an existing node), remove one, see
the step drawn and explained, and take it back through history, revert and undo."""

import html
import re

import pytest
from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map, load_map_data
from argmap.models import Node, Premise, Relation
from tests.helpers import fork_seed, post, sign_up

MAP = "/maps/seminar"
LINKED = "mdt-article-4 + agreed-undone-by-agreement -> withdrawal-needs-consent"


@pytest.fixture(autouse=True)
def owner(client):
    sign_up(client, "olivia", "Olivia Kim")
    fork_seed(client)


def steps(app):
    with app.app_context():
        session = db.session()
        data = load_map_data(session, found=get_map(session, slug="seminar"))
        return {r.ref: r for r in data.relations}


def step_id(app, premise: str, target: str) -> int:
    """The id of the step from `premise` (one of its premises) to the node `target`."""
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        ids = {n.key: n.id for n in session.exec(select(Node).where(Node.map_id == found.id))}
        return session.exec(select(Relation.id).join(
            Premise, Premise.relation_id == Relation.id).where(
            Premise.node_id == ids[premise], Relation.target_node_id == ids[target])).one()


def test_add_a_new_claim_as_a_co_premise_and_see_it_evaluated(client, app):
    step = step_id(app, "sma-rooted-in-mdt", "sma-is-exception")
    panel = client.get(f"{MAP}?node=sma-rooted-in-mdt").get_data(as_text=True)
    assert "Add a co-premise" in panel and f'<option value="{step}"' in panel
    reply = post(client, f"{MAP}/nodes/sma-rooted-in-mdt/premises",
                 {"relation": str(step), "text": "The MDT's Article IV limits what the SMA "
                                                 "may cover.", "premise": ""}, htmx="panel")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200, page
    assert "is now a co-premise" in page and "only together with" in page
    linked = [r for r in steps(app).values() if r.is_linked and r.target == "sma-is-exception"]
    assert len(linked) == 1 and linked[0].premises[0] == "sma-rooted-in-mdt"
    # the diagram draws the step through one inference point, with the legend's words
    svg = html.unescape(client.get(f"{MAP}/export.svg").get_data(as_text=True))
    assert f'id="j-{"_".join(linked[0].premises)}--sma-is-exception"' in svg
    assert "count only together" in svg
    # the history names it
    history = client.get(f"{MAP}/history").get_data(as_text=True)
    assert "co-premise" in history


def test_choose_an_existing_node_as_a_co_premise_then_remove_it(client, app):
    step = step_id(app, "sofa-article-5", "sma-is-exception")
    reply = post(client, f"{MAP}/nodes/sofa-article-5/premises",
                 {"relation": str(step), "text": "", "premise": "sma-rooted-in-mdt"})
    assert reply.status_code == 422  # sma-rooted-in-mdt already supports it alone
    assert "already argues about" in reply.get_data(as_text=True)
    reply = post(client, f"{MAP}/nodes/sofa-article-5/premises",
                 {"relation": str(step), "text": "", "premise": "sma-full-title"})
    assert reply.status_code == 303
    assert "sofa-article-5 + sma-full-title -> sma-is-exception" in steps(app)
    # Removing one of two premises leaves an ordinary step; the last one cannot go.
    reply = post(client, f"{MAP}/nodes/sofa-article-5/premises/remove",
                 {"relation": str(step), "premise": "sma-full-title"}, htmx="panel")
    assert reply.status_code == 200 and "Took" in reply.get_data(as_text=True)
    assert "sofa-article-5 -> sma-is-exception" in steps(app)
    reply = post(client, f"{MAP}/nodes/sofa-article-5/premises/remove",
                 {"relation": str(step), "premise": "sofa-article-5"}, htmx="panel")
    assert reply.status_code == 422
    assert "only premise" in reply.get_data(as_text=True)


def test_bad_co_premises_are_refused_next_to_the_field_and_store_nothing(client, app):
    step = step_id(app, "three-categories", "sma-scope-fixed")
    before = steps(app)
    for data, message in (
            ({"relation": str(step), "text": "", "premise": "sma-scope-fixed"},
             "cannot support or attack itself"),
            ({"relation": str(step), "text": "Both.", "premise": "korea-record"},
             "not both"),
            ({"relation": str(step), "text": "", "premise": "nobody"},
             "no node matches “nobody”"),
            ({"relation": str(step), "text": "   ", "premise": ""}, "empty")):
        reply = post(client, f"{MAP}/nodes/three-categories/premises", data, htmx="panel")
        page = html.unescape(reply.get_data(as_text=True))
        assert reply.status_code == 422, (data, page[:300])
        assert re.search(r'id="copremise-\w+-error"[^>]*>[^<]*' + re.escape(message), page), \
            message
    assert steps(app) == before


def test_revert_and_undo_a_co_premise(client, app):
    step = step_id(app, "sofa-article-5", "sma-is-exception")
    post(client, f"{MAP}/nodes/sofa-article-5/premises",
         {"relation": str(step), "text": "", "premise": "sma-full-title"})
    assert "sofa-article-5 + sma-full-title -> sma-is-exception" in steps(app)
    post(client, f"{MAP}/undo")
    assert "sofa-article-5 -> sma-is-exception" in steps(app)
    # Removing a premise of the seed's linked step, then reverting that change, restores it.
    linked = step_id(app, "mdt-article-4", "withdrawal-needs-consent")
    post(client, f"{MAP}/nodes/mdt-article-4/premises/remove",
         {"relation": str(linked), "premise": "agreed-undone-by-agreement"})
    assert LINKED not in steps(app)
    page = client.get(f"{MAP}/history").get_data(as_text=True)
    change = re.search(r"/changes/(\d+)/revert", page).group(1)
    post(client, f"{MAP}/changes/{change}/revert")
    assert LINKED in steps(app)


def test_deleting_a_co_premise_node_keeps_the_step_with_the_others(client, app):
    panel = client.get(f"{MAP}?node=agreed-undone-by-agreement").get_data(as_text=True)
    assert "co-premise in 1 linked step; it goes on with its other premises" in panel
    post(client, f"{MAP}/nodes/agreed-undone-by-agreement/delete")
    assert "mdt-article-4 -> withdrawal-needs-consent" in steps(app)
    post(client, f"{MAP}/undo")
    assert LINKED in steps(app)


def test_the_panel_explains_which_premise_made_the_step_fail(client, app):
    post(client, f"{MAP}/nodes/agreed-undone-by-agreement/arguments",
         {"form": "rebuttal", "text": "Article VI lets either side end the treaty alone."})
    panel = client.get(f"{MAP}?node=withdrawal-needs-consent").get_data(as_text=True)
    assert "Fails: its premise" in panel and "linked premises count only together" in panel


def test_undo_that_would_leave_a_step_without_premises_is_refused(client, app):
    """Add co-premise n to a step, then take the step's first premise out; undoing the first
    change would leave the step empty, so it is refused and nothing changes."""
    step = step_id(app, "sofa-article-5", "sma-is-exception")
    post(client, f"{MAP}/nodes/sofa-article-5/premises",
         {"relation": str(step), "text": "", "premise": "sma-full-title"})
    post(client, f"{MAP}/nodes/sofa-article-5/premises/remove",
         {"relation": str(step), "premise": "sofa-article-5"})
    assert "sma-full-title -> sma-is-exception" in steps(app)
    page = client.get(f"{MAP}/history").get_data(as_text=True)
    first = re.findall(r"/changes/(\d+)/revert", page)[-1]  # the older of the two
    before = steps(app)
    reply = post(client, f"{MAP}/changes/{first}/revert")
    assert reply.status_code == 409
    assert "leave a step with no premises" in html.unescape(reply.get_data(as_text=True))
    assert steps(app) == before


def test_a_node_that_undercuts_a_step_cannot_join_it(client, app):
    step = step_id(app, "korea-record", "sma-scope-fixed")
    with app.app_context():
        undercut = {r.premises[0] for r in steps(app).values()
                    if r.is_undercut and r.target == "korea-record -> sma-scope-fixed"}
    assert undercut == {"ed-record-is-policy"}
    reply = post(client, f"{MAP}/nodes/korea-record/premises",
                 {"relation": str(step), "text": "", "premise": "ed-record-is-policy"},
                 htmx="panel")
    assert reply.status_code == 422
    assert "cannot undercut an inference it is part of" in html.unescape(
        reply.get_data(as_text=True))
