"""History: who changed what, with text before and after; revert, undo, and reverting a
deletion brings back the node, its relations and its citation."""

import re

import pytest
from sqlmodel import select

from argmap import db
from argmap.domain.history import changes
from argmap.domain.maps import get_map, import_map
from argmap.models import Node, Premise, Relation, Source
from tests.helpers import fork_seed, invite_link, node, post, sign_up, tiny_map

MAP = "/maps/seminar"


@pytest.fixture(autouse=True)
def owner(client):
    sign_up(client, "olivia", "Olivia Kim")
    fork_seed(client)


def contents(app):
    """The fork's nodes, relations and citations, as comparable values."""
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        nodes = {(n.id, n.key, n.kind, n.text, n.title, n.source_id, n.passage_quote)
                 for n in session.exec(select(Node).where(Node.map_id == found.id))}
        relations = {(r.id, r.kind, r.target_node_id, r.target_relation_id)
                     for r in session.exec(select(Relation).where(Relation.map_id == found.id))}
        relations |= {("premise", p.id, p.relation_id, p.node_id)
                      for p in session.exec(select(Premise).where(Premise.map_id == found.id))}
        sources = {(s.id, s.document, s.locator, s.quote, s.url)
                   for s in session.exec(select(Source).where(Source.map_id == found.id))}
        return nodes, relations, sources


def change_ids(client, node=None):
    html = client.get(f"{MAP}/history" + (f"?node={node}" if node else "")).get_data(
        as_text=True)
    return [int(i) for i in re.findall(r'id="change-(\d+)"', html)], html


def test_history_shows_who_when_and_the_text_before_and_after(client):
    post(client, f"{MAP}/nodes/korea-record/edit",
         {"kind": "claim", "text": "Korea has paid more than its share."})
    ids, html = change_ids(client)
    assert len(ids) == 1
    entry = html[html.index(f'id="change-{ids[0]}"'):]
    assert "Olivia Kim" in entry and "<time datetime=" in entry
    assert "Edited “Korea has paid more than its share.”" in entry
    assert re.search(r'class="before"><span class="meta">before:</span> Korea', entry)
    assert 'after:</span> Korea has paid more than its share.' in entry
    node_ids, _ = change_ids(client, node="korea-record")
    assert node_ids == ids
    assert change_ids(client, node="thesis")[0] == []


def test_the_history_escapes_a_change_once(client):
    """"a < b" is shown as typed: the words are stored, and escaped once, by the page."""
    post(client, f"{MAP}/nodes/korea-record/edit", {"kind": "claim", "text": "a < b & c"})
    _ids, html = change_ids(client)
    assert "Edited “a &lt; b &amp; c”" in html
    assert "&amp;lt;" not in html


def test_reverting_a_deletion_restores_node_relations_and_citation(client, app):
    before = contents(app)
    post(client, f"{MAP}/nodes/mdt-article-4/delete")  # evidence with a citation, supports
    deleted = contents(app)
    assert len(deleted[0]) == len(before[0]) - 1 and len(deleted[1]) < len(before[1])
    ids, html = change_ids(client)
    assert "deleted evidence mdt-article-4" in html
    reply = post(client, f"{MAP}/changes/{ids[0]}/revert")
    assert reply.status_code == 303
    assert contents(app) == before  # same ids, same citation, same relations
    ids_after, html = change_ids(client)
    assert len(ids_after) == 2 and "Reverted: Deleted" in html and "reverted</span>" in html


def test_reverting_an_addition_with_a_new_citation_removes_both(client, app):
    before = contents(app)
    post(client, f"{MAP}/nodes/thesis/arguments", {
        "form": "evidence", "text": "A fact.", "document": "A report", "locator": "p. 2"})
    assert len(contents(app)[2]) == len(before[2]) + 1
    ids, _ = change_ids(client)
    post(client, f"{MAP}/changes/{ids[0]}/revert")
    assert contents(app) == before


def test_reverting_an_edit_and_a_second_revert_is_refused(client, app):
    before = contents(app)
    post(client, f"{MAP}/nodes/thesis/edit", {"kind": "claim", "text": "Changed.",
                                              "title": ""})
    ids, _ = change_ids(client)
    assert post(client, f"{MAP}/changes/{ids[0]}/revert").status_code == 303
    assert contents(app) == before
    again = post(client, f"{MAP}/changes/{ids[0]}/revert")
    assert again.status_code == 409 and "already been reverted" in again.get_data(as_text=True)


def test_revert_refuses_when_later_changes_depend_on_it(client, app):
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "First."})
    ids, _ = change_ids(client)
    with app.app_context():
        key = db.session().exec(select(Node.key).where(Node.text == "First.")).one()
    post(client, f"{MAP}/nodes/{key}/arguments", {"form": "rebuttal", "text": "Against it."})
    middle = contents(app)
    reply = post(client, f"{MAP}/changes/{ids[0]}/revert")
    newer, _ = change_ids(client)
    said = reply.get_data(as_text=True)
    assert reply.status_code == 409 and "other arguments were connected" in said
    assert f"by change {newer[0]} (" in said and "revert that first" in said  # which one
    assert contents(app) == middle
    post(client, f"{MAP}/nodes/{key}/edit", {"kind": "claim", "text": "First, reworded."})
    reply = post(client, f"{MAP}/changes/{ids[0]}/revert")
    edited, _ = change_ids(client)
    assert reply.status_code == 409 and "changed again" in reply.get_data(as_text=True)
    assert f"by change {edited[0]} (" in reply.get_data(as_text=True)


def test_undo_my_last_change(client, app, ):
    before = contents(app)
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal", "text": "One."})
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal", "text": "Two."})
    reply = post(client, f"{MAP}/undo", {"back": "map"})
    assert reply.status_code == 303 and reply.location.endswith(MAP)
    texts = {n[3] for n in contents(app)[0]}
    assert "Two." not in texts and "One." in texts
    post(client, f"{MAP}/undo")
    assert contents(app) == before
    nothing = post(client, f"{MAP}/undo")
    assert nothing.status_code == 303 and "no change on this map left to undo" in \
        client.get(nothing.location).get_data(as_text=True)


def test_undo_only_undoes_your_own_changes(client, app):
    other = app.test_client()
    sign_up(other, "eunji")
    link = invite_link(client, MAP)
    post(other, link, {"as": "account"})
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "Olivia's."})
    post(other, f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "Eun-ji's."})
    post(client, f"{MAP}/undo")
    texts = {n[3] for n in contents(app)[0]}
    assert "Olivia's." not in texts and "Eun-ji's." in texts


def test_every_way_of_changing_contents_is_recorded_even_the_command_line(app, runner,
                                                                          tmp_path):
    """The CLI's attach-text goes through the same transaction helper (history.change) as
    the web forms: it is in the history, and the revision moved."""
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            import_map(session, data=tiny_map(node("a", "thesis"), slug="noted"))
        before = get_map(session, slug="noted").revision
    text = tmp_path / "text.txt"
    text.write_text("A short text to map.\n")
    result = runner.invoke(args=["attach-text", "noted", str(text)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="noted")
        entries = changes(session, map_id=found.id)
        assert [e.action for e in entries] == ["Attached the source text (command line)"]
        assert entries[0].actor == "someone" and found.revision == before + 1
