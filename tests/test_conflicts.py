"""No lost updates: two people editing one node through two real sessions (two test clients,
each with its own cookie), deletes racing edits, and undercuts of removed steps."""

import re

from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map
from argmap.models import Node, Premise, Relation
from tests.helpers import csrf, log_in, post, sign_up

MAP = "/maps/seminar"


def version_in_form(client, key: str) -> str:
    html = client.get(f"{MAP}?node={key}").get_data(as_text=True)
    edit = html[html.index('id="act-edit"'):]
    return re.search(r'name="version" value="(\d+)"', edit).group(1)


def node_text(app, key):
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        return session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).one()


def test_second_save_of_the_same_version_is_a_conflict_not_an_overwrite(app, two):
    olivia, eunji = two
    seen_by_olivia = version_in_form(olivia, "thesis")
    seen_by_eunji = version_in_form(eunji, "thesis")
    assert seen_by_olivia == seen_by_eunji
    first = post(olivia, f"{MAP}/nodes/thesis/edit", {
        "kind": "thesis", "text": "Olivia's wording of the thesis.", "version": seen_by_olivia},
        htmx="panel")
    assert first.status_code == 200
    second = post(eunji, f"{MAP}/nodes/thesis/edit", {
        "kind": "thesis", "text": "Eun-ji's wording of the thesis.", "version": seen_by_eunji},
        htmx="panel")
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else changed this node while you were editing it." in html
    assert "Olivia&#39;s wording of the thesis." in html  # their version is shown...
    assert "saved by Olivia Kim" in html
    assert ">Eun-ji&#39;s wording of the thesis.</textarea>" in html  # ...and hers is kept
    assert node_text(app, "thesis").text == "Olivia's wording of the thesis."
    # Retrying from the conflict form (which now carries the current version) saves hers.
    retry_version = re.search(r'name="version" value="(\d+)"',
                              html[html.index('id="act-edit"'):]).group(1)
    assert int(retry_version) == int(seen_by_eunji) + 1
    merged = post(eunji, f"{MAP}/nodes/thesis/edit", {
        "kind": "thesis", "text": "Both wordings, merged.", "version": retry_version})
    assert merged.status_code == 303
    assert node_text(app, "thesis").text == "Both wordings, merged."


def test_editing_a_node_someone_deleted_keeps_your_text(app, two):
    olivia, eunji = two
    version = version_in_form(eunji, "korea-record")
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    reply = post(eunji, f"{MAP}/nodes/korea-record/edit", {
        "kind": "claim", "text": "My careful rewrite.", "version": version}, htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 409
    assert "Someone deleted this node while you were working on it." in html
    assert ">My careful rewrite.</textarea>" in html  # offered again as a new node


def test_deleting_a_node_that_changed_since_you_opened_it_asks_again(app, two):
    olivia, eunji = two
    html = eunji.get(f"{MAP}?node=korea-record").get_data(as_text=True)
    delete_version = re.search(r'id="act-delete".*?name="version" value="(\d+)"', html,
                               re.S).group(1)
    post(olivia, f"{MAP}/nodes/korea-record/edit", {"kind": "claim", "text": "Improved.",
                                                    "version": delete_version})
    reply = post(eunji, f"{MAP}/nodes/korea-record/delete", {"version": delete_version})
    assert reply.status_code == 409 and "changed this node after you opened it" in \
        reply.get_data(as_text=True)
    assert node_text(app, "korea-record").text == "Improved."


def test_undercutting_a_step_someone_removed_is_a_conflict(app, two):
    olivia, eunji = two
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        ids = {n.key: n.id for n in session.exec(select(Node).where(Node.map_id == found.id))}
        step = session.exec(select(Relation).join(Premise, Premise.relation_id == Relation.id)
                            .where(Premise.node_id == ids["sma-rooted-in-mdt"],
                                   Relation.kind == "support")).first()
        target = session.exec(select(Node.key).where(Node.id == step.target_node_id)).one()
    post(olivia, f"{MAP}/nodes/{target}/delete")  # removes the step with its target
    reply = post(eunji, f"{MAP}/nodes/sma-rooted-in-mdt/undercuts",
                 {"relation": str(step.id), "text": "It does not follow."}, htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 409 and "has been removed by someone else" in html
    assert "It does not follow." in html


def test_a_token_from_another_session_is_refused(app, two):
    olivia, eunji = two
    reply = eunji.post(f"{MAP}/nodes/thesis/arguments",
                       data={"form": "reason", "text": "x", "csrf_token": csrf(olivia)})
    assert reply.status_code == 400


def test_login_is_rate_limited(app, client):
    sign_up(app.test_client(), "mina")
    for _ in range(5):
        assert log_in(client, "mina", "wrong password!").status_code == 422
    blocked = log_in(client, "mina")  # even the right password, for now
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "15"
    assert "too many failed logins for this username; try again in 15 seconds" in \
        blocked.get_data(as_text=True)
