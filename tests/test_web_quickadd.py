"""Adding from the top of a node's panel, what the answer shows, and the panel of a node that
someone else deleted (through real sessions: two test clients with their own cookies)."""

import re

from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map
from argmap.models import Node, Premise, Relation, Source
from tests.helpers import post

MAP = "/maps/seminar"


def stored(app, key: str):
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        return session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).first()


def steps_of(app, key: str) -> list[tuple[str, str]]:
    """(kind, target key) of each step the node is a premise of."""
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        node = session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).one()
        rows = session.exec(select(Relation.kind, Node.key)
                            .join(Premise, Premise.relation_id == Relation.id)
                            .join(Node, Node.id == Relation.target_node_id)
                            .where(Premise.node_id == node.id)).all()
        return [(str(kind), target) for kind, target in rows]


def keys(app) -> set[str]:
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        return set(session.exec(select(Node.key).where(Node.map_id == found.id)).all())


def test_the_quick_boxes_sit_under_the_heading_and_post_without_javascript(app, two):
    olivia, _ = two
    html = olivia.get(f"{MAP}?node=thesis").get_data(as_text=True)
    html = html[html.index('<aside id="panel"'):]
    heading = html.index('id="panel-heading"')
    quick = html.index('class="quick-add"')
    assert heading < quick < html.index("Trump&#39;s plan") < html.index('id="act-rebuttal"')
    box = html[quick:html.index("</details>", html.index('id="quick-rebuttal"'))]
    assert "<summary>+ Objection</summary>" in box
    assert f'method="post" action="{MAP}/nodes/thesis/arguments"' in box
    assert 'name="csrf_token"' in box and 'name="form" value="rebuttal"' in box
    # Evidence asks for its citation in the box; quote and address fold away.
    evidence = html[html.index('id="quick-evidence"'):]
    evidence = evidence[:evidence.index('id="act-reason"')]
    assert 'id="quick-evidence-document"' in evidence and 'id="quick-evidence-locator"' in evidence
    assert "<summary>Quote and web address (optional)</summary>" in evidence
    # A viewer reads the node but gets no boxes.
    viewer = app.test_client()
    assert 'class="quick-add"' not in viewer.get("/maps/treaty-alliance?node=thesis") \
        .get_data(as_text=True)


def test_an_objection_from_the_quick_box_answers_with_the_new_nodes_panel(app, two):
    olivia, _ = two
    before = keys(app)
    reply = post(olivia, f"{MAP}/nodes/thesis/arguments",
                 {"form": "rebuttal", "box": "quick", "text": "Article IV <b>allows</b> it."},
                 htmx="panel")
    assert reply.status_code == 200
    (new,) = keys(app) - before
    assert stored(app, new).kind == "rebuttal"
    assert steps_of(app, new) == [("attack", "thesis")]
    assert reply.headers["HX-Push-Url"] == f"{MAP}?node={new}"
    html = reply.get_data(as_text=True)
    assert f'id="node-detail" class="node-detail" data-key="{new}"' in html
    added = html[html.index('id="added"'):html.index('id="node-detail"')]
    assert ('role="status">Added an objection to “Tying the SMA to tariffs breaks the '
            "treaties”.</p>") in added
    assert f'href="{MAP}?node=thesis"' in added  # back to the parent...
    assert 'id="another-rebuttal"' in added  # ...or another objection to it, in one click
    assert f'action="{MAP}/nodes/thesis/arguments"' in added
    assert "Article IV &lt;b&gt;allows&lt;/b&gt; it." in html  # escaped


def test_the_plain_post_redirects_to_the_new_node_with_the_confirmation(app, two):
    olivia, _ = two
    before = keys(app)
    reply = post(olivia, f"{MAP}/nodes/thesis/arguments",
                 {"form": "reason", "box": "quick", "text": "Troops are not goods."})
    (new,) = keys(app) - before
    assert reply.status_code == 303
    assert reply.location == f"{MAP}?node={new}#panel"
    html = olivia.get(reply.location).get_data(as_text=True)
    assert "Added a reason for “Tying the SMA to tariffs breaks the treaties”." in html
    # Said once: a reload no longer shows it.
    assert "Added a reason for" not in olivia.get(f"{MAP}?node={new}").get_data(as_text=True)


def test_an_empty_quick_box_is_refused_next_to_its_field(app, two):
    olivia, _ = two
    before = keys(app)
    reply = post(olivia, f"{MAP}/nodes/thesis/arguments",
                 {"form": "rebuttal", "box": "quick", "text": "  "}, htmx="panel")
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert re.search(r'<details class="quick quick-rebuttal" id="quick-rebuttal" '
                     r'open>', html)
    assert 'id="quick-rebuttal-text" name="text" rows="2" aria-required="true" ' \
           'aria-invalid="true" aria-describedby="quick-rebuttal-text-error"' in html
    assert '<p class="error" id="quick-rebuttal-text-error">This field is empty</p>' in html
    assert 'id="act-rebuttal" open' not in html  # the full form stays closed
    assert keys(app) == before


def test_quick_evidence_needs_its_citation_and_keeps_it(app, two):
    olivia, _ = two
    before = keys(app)
    refused = post(olivia, f"{MAP}/nodes/thesis/arguments",
                   {"form": "evidence", "box": "quick", "text": "Article IV says so."},
                   htmx="panel")
    assert refused.status_code == 422
    assert 'id="quick-evidence-document-error"' in refused.get_data(as_text=True)
    assert keys(app) == before
    reply = post(olivia, f"{MAP}/nodes/thesis/arguments",
                 {"form": "evidence", "box": "quick", "text": "Article IV says so.",
                  "document": "SOFA", "locator": "Article V", "quote": "", "url": ""},
                 htmx="panel")
    assert reply.status_code == 200
    (new,) = keys(app) - before
    with app.app_context():
        source = db.session().get(Source, stored(app, new).source_id)
        assert (source.document, source.locator) == ("SOFA", "Article V")
    assert "Added evidence for “Tying the SMA" in reply.get_data(as_text=True)


def test_the_panel_of_a_deleted_node_says_who_deleted_it_and_offers_no_actions(app, two):
    olivia, eunji = two
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    for reply in (eunji.get(f"{MAP}?node=korea-record"),
                  eunji.get(f"{MAP}?node=korea-record",
                            headers={"HX-Request": "true", "HX-Target": "panel"})):
        html = reply.get_data(as_text=True)
        panel = html[html.index('<aside id="panel"'):html.index("</aside>")]
        assert "This node has been deleted" in panel
        assert "Olivia Kim deleted it on" in panel
        assert 'href="/maps/seminar/history?node=korea-record"' in panel
        assert "no node" not in panel
        for action in ('id="act-', 'class="quick-add"', "/nodes/korea-record/"):
            assert action not in panel


def test_a_live_refresh_of_a_deleted_node_replaces_the_whole_panel(app, two):
    olivia, eunji = two
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    reply = eunji.get(f"{MAP}?node=korea-record",
                      headers={"HX-Request": "true", "HX-Target": "node-detail"})
    assert reply.status_code == 200
    assert reply.headers["HX-Retarget"] == "#panel"
    assert reply.headers["HX-Reswap"] == "outerHTML"
    html = reply.get_data(as_text=True)
    assert html.lstrip().startswith("<aside") or '<aside id="panel"' in html
    assert "This node has been deleted" in html and 'id="act-edit"' not in html


def test_an_edit_of_a_deleted_node_keeps_everything_and_goes_back_in_its_place(app, two):
    olivia, eunji = two
    html = eunji.get(f"{MAP}?node=korea-record").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html[html.index('id="act-edit"'):]
                        ).group(1)
    former = steps_of(app, "korea-record")
    assert former  # it argues about something that stays
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    typed = {"kind": "claim", "title": "Korea's record", "text": "My careful rewrite.",
             "document": "SMA 2021", "locator": "Article 1", "quote": "fixed", "url": "",
             "version": version}
    reply = post(eunji, f"{MAP}/nodes/korea-record/edit", typed, htmx="panel")
    assert reply.status_code == 409
    html = reply.get_data(as_text=True)
    assert "Someone deleted this node while you were working on it." in html
    assert "This node has been deleted" in html and 'id="act-edit"' not in html
    assert ">My careful rewrite.</textarea>" in html
    assert 'id="new-title" name="title" type="text" value="Korea&#39;s record"' in html
    assert 'value="SMA 2021"' in html and 'value="Article 1"' in html and 'value="fixed"' in html
    kind, parent = former[0]
    assert f'name="parent" value="{parent}"' in html
    assert re.search(rf'<option value="{kind}" selected>', html)
    # Saving it makes a node with all of it, in the old place.
    before = keys(app)
    saved = post(eunji, f"{MAP}/nodes", {**{k: v for k, v in typed.items() if k != "version"},
                                         "parent": parent, "relation": kind,
                                         "node": "korea-record"}, htmx="panel")
    assert saved.status_code == 200
    (new,) = keys(app) - before
    node = stored(app, new)
    assert (node.kind, node.title, node.text) == ("claim", "Korea's record", "My careful rewrite.")
    with app.app_context():
        source = db.session().get(Source, node.source_id)
        assert (source.document, source.locator, source.quote) == ("SMA 2021", "Article 1",
                                                                   "fixed")
    assert steps_of(app, new) == [(kind, parent)]


def test_a_recovered_node_that_fails_stays_on_the_deleted_nodes_panel(app, two):
    olivia, eunji = two
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    reply = post(eunji, f"{MAP}/nodes", {"kind": "evidence", "text": "Kept text.",
                                         "parent": "thesis", "relation": "support",
                                         "node": "korea-record"}, htmx="panel")
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "This node has been deleted" in html
    assert 'id="new-document-error"' in html and ">Kept text.</textarea>" in html


def test_the_old_place_is_not_offered_when_it_is_gone_too(app, two):
    olivia, eunji = two
    html = eunji.get(f"{MAP}?node=korea-record").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html[html.index('id="act-edit"'):]
                        ).group(1)
    for _kind, parent in steps_of(app, "korea-record"):
        post(olivia, f"{MAP}/nodes/{parent}/delete")
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    reply = post(eunji, f"{MAP}/nodes/korea-record/edit",
                 {"kind": "claim", "text": "Still mine.", "version": version}, htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 409 and ">Still mine.</textarea>" in html
    assert 'name="parent"' not in html


def test_an_objection_to_a_deleted_node_keeps_the_text(app, two):
    olivia, eunji = two
    post(olivia, f"{MAP}/nodes/korea-record/delete")
    before = keys(app)
    reply = post(eunji, f"{MAP}/nodes/korea-record/arguments",
                 {"form": "rebuttal", "box": "quick", "text": "Too late?"}, htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 409
    assert "This node has been deleted" in html and ">Too late?</textarea>" in html
    assert re.search(r'<option value="rebuttal" selected>', html)
    assert keys(app) == before
