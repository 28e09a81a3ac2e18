"""Changing maps in the browser: every form as htmx and as a plain POST, every validation case
(answered 422 with the message next to its field, storing nothing), CSRF and the name."""

import re

import pytest
from sqlmodel import func, select

from argmap import db
from argmap.domain.access import make_owner
from argmap.domain.accounts import User
from argmap.domain.maps import get_map, import_map
from argmap.models import Map, Node, Premise, Relation, Source
from tests.helpers import fork_seed, node, post, sign_up, source, tiny_map

MAP = "/maps/seminar"


@pytest.fixture(autouse=True)
def owner(client):
    """Every test here works as the owner of a fork of the seed map (the seed is read-only)."""
    sign_up(client, "olivia", "Olivia Kim")
    assert fork_seed(client).endswith(MAP)
CITATION = ("document", "locator", "quote", "url")
LONG = "x" * 2001


def state(app, slug="seminar"):
    """Everything a failed change must leave alone: revision and row counts."""
    with app.app_context():
        session = db.session()
        found = get_map(session, slug=slug)
        count = lambda model: session.exec(  # noqa: E731
            select(func.count(model.id)).where(model.map_id == found.id)).one()
        return found.revision, count(Node), count(Relation), count(Source)


def node_row(app, key, slug="seminar"):
    with app.app_context():
        session = db.session()
        found = get_map(session, slug=slug)
        return session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).first()


def relations_of(app, key):
    with app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        node = session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).one()
        rows = session.exec(select(Relation).join(Premise, Premise.relation_id == Relation.id)
                            .where(Premise.node_id == node.id)).all()
        keys = {n.id: n.key for n in session.exec(select(Node)).all()}
        return [(r.kind, keys.get(r.target_node_id), r.target_relation_id) for r in rows]


def own(app, slug, username="olivia"):
    """Make the test user the owner of a map imported straight into the database."""
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            user = session.exec(select(User).where(User.username == username)).one()
            make_owner(session, found=get_map(session, slug=slug), user=user)


def field_error(html, prefix, name):
    match = re.search(rf'<textarea id="{prefix}-{name}"[^>]*aria-invalid="true"'
                      rf'|<(?:input|select) id="{prefix}-{name}"[^>]*aria-invalid="true"', html)
    error = re.search(rf'<p class="error" id="{prefix}-{name}-error">([^<]*)</p>', html)
    return error.group(1) if match and error else None


def newest_key(app, kind):
    with app.app_context():
        session = db.session()
        return session.exec(select(Node.key).where(Node.kind == kind)
                            .order_by(Node.id.desc())).first()


# --- adding arguments --------------------------------------------------------------------

@pytest.mark.parametrize("form, relation, kind", [
    ("reason", "support", "claim"), ("rebuttal", "attack", "rebuttal")])
def test_add_argument_with_htmx_answers_with_the_panel(client, app, form, relation, kind):
    before = state(app)
    reply = post(client, f"{MAP}/nodes/sma-scope-fixed/arguments",
                 {"form": form, "text": "  A new point <b>here</b>.  ", "view": "outline"},
                 htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and html.lstrip().startswith('<aside id="panel"')
    assert "map-changed" in reply.headers["HX-Trigger"]
    assert "A new point &lt;b&gt;here&lt;/b&gt;." in html  # listed under the node, escaped
    assert 'role="status"' in html
    key = newest_key(app, kind)
    assert node_row(app, key).text == "A new point <b>here</b>."
    assert relations_of(app, key) == [(relation, "sma-scope-fixed", None)]
    revision, nodes, relations, _ = state(app)
    assert (revision, nodes, relations) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_add_argument_without_javascript_redirects_303(client, app):
    reply = post(client, f"{MAP}/nodes/thesis/arguments",
                 {"form": "rebuttal", "text": "It does not break it.", "view": "outline"})
    assert reply.status_code == 303
    # The answer is the new node's page.
    assert re.search(rf"{MAP}\?view=outline&node=rebuttal-\d+#panel$", reply.location)
    page = client.get(reply.location).get_data(as_text=True)
    assert "It does not break it." in page and "Added an objection to" in page


def test_a_new_node_can_have_a_short_title_from_every_adding_form(client, app):
    """The forms that add a node ask for an optional title (the overviews print it)."""
    for url, data in ((f"{MAP}/nodes/thesis/arguments", {"form": "reason"}),
                      (f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal"}),
                      (f"{MAP}/nodes", {"kind": "claim"})):
        reply = post(client, url, {**data, "text": "A long text that needs a name.",
                                   "title": "  Named once  "})
        assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
    with app.app_context():
        titles = db.session().exec(select(Node.title).where(
            Node.text == "A long text that needs a name.")).all()
    assert titles == ["Named once"] * 3
    untitled = post(client, f"{MAP}/nodes/thesis/arguments", {"form": "reason",
                                                              "text": "No title here."})
    assert untitled.status_code == 303
    assert node_row(app, newest_key(app, "claim")).title is None
    too_long = post(client, f"{MAP}/nodes/thesis/arguments",
                    {"form": "reason", "text": "Fine text.", "title": "x" * 121}, htmx="panel")
    assert too_long.status_code == 422
    assert field_error(too_long.get_data(as_text=True), "reason", "title")


def test_add_evidence_with_citation(client, app):
    reply = post(client, f"{MAP}/nodes/sma-scope-fixed/arguments", {
        "form": "evidence", "text": "The 12th SMA lists three categories.",
        "document": "12th Special Measures Agreement", "locator": "Article I",
        "quote": "labor cost", "url": "https://example.org/sma"}, htmx="panel")
    assert reply.status_code == 200
    node = node_row(app, newest_key(app, "evidence"))
    with app.app_context():
        source = db.session().get(Source, node.source_id)
    assert (source.document, source.locator, source.quote, source.url) == (
        "12th Special Measures Agreement", "Article I", "labor cost", "https://example.org/sma")
    panel = client.get(f"{MAP}?node={node.key}").get_data(as_text=True)
    assert "12th Special Measures Agreement</a>, Article I" in panel


def test_undercut_an_inference(client, app):
    with app.app_context():
        session = db.session()
        ids = {n.key: n.id for n in session.exec(select(Node)).all()}
        support = session.exec(select(Relation).join(
            Premise, Premise.relation_id == Relation.id).where(
            Premise.node_id == ids["sma-rooted-in-mdt"], Relation.kind == "support")).first()
    panel = client.get(f"{MAP}?node=sma-rooted-in-mdt").get_data(as_text=True)
    assert f'<option value="{support.id}"' in panel
    reply = post(client, f"{MAP}/nodes/sma-rooted-in-mdt/undercuts",
                 {"relation": str(support.id), "text": "Scope says nothing about linkage."},
                 htmx="panel")
    assert reply.status_code == 200
    key = newest_key(app, "rebuttal")
    assert relations_of(app, key) == [("undercut", None, support.id)]


def test_edit_text_kind_title_and_citation(client, app):
    reply = post(client, f"{MAP}/nodes/korea-record/edit", {
        "kind": "evidence", "title": "Korea pays", "text": "Korea has paid its share.",
        "document": "SMA implementation report", "locator": "p. 3", "quote": "", "url": ""},
        htmx="panel")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    node = node_row(app, "korea-record")
    assert (node.kind, node.title, node.text) == ("evidence", "Korea pays",
                                                  "Korea has paid its share.")
    with app.app_context():
        assert db.session().get(Source, node.source_id).locator == "p. 3"


def test_editing_a_shared_citation_leaves_the_other_nodes_alone(client, app):
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            import_map(session, data=tiny_map(
                node("a", "evidence", cites="src"), node("b", "evidence", cites="src"),
                sources=[source("src")]))
    own(app, "tiny")
    reply = post(client, "/maps/tiny/nodes/a/edit", {
        "kind": "evidence", "text": "Text of a.", "document": "Another treaty",
        "locator": "Article IX"})
    assert reply.status_code == 303
    with app.app_context():
        session = db.session()
        a, b = node_row(app, "a", "tiny"), node_row(app, "b", "tiny")
        assert session.get(Source, a.source_id).document == "Another treaty"
        assert session.get(Source, b.source_id).locator == "Article IV"
    # Clearing every citation field removes the citation (a claim needs none).
    post(client, "/maps/tiny/nodes/b/edit", {"kind": "claim", "text": "Text of b.",
                                             **dict.fromkeys(CITATION, "")})
    assert node_row(app, "b", "tiny").source_id is None


def test_point_a_node_at_its_passage(client, app):
    post(client, "/maps", {"title": "Mine", "source_text": "Cats purr. Dogs bark.\nBirds sing."})
    post(client, "/maps/mine/nodes", {"kind": "thesis", "text": "Animals make sounds."})
    url = "/maps/mine/nodes/thesis-1/edit"
    base = {"kind": "thesis", "text": "Animals make sounds."}
    bad = post(client, url, {**base, "passage_quote": "cows moo"}, htmx="panel")
    assert bad.status_code == 422
    assert "does not occur" in field_error(bad.get_data(as_text=True), "edit", "passage_quote")
    assert node_row(app, "thesis-1", "mine").passage_quote is None
    bad = post(client, url, {**base, "passage_quote": "Birds", "passage_paragraph": "two"})
    assert "as a number" in field_error(bad.get_data(as_text=True), "edit", "passage_paragraph")
    good = post(client, url, {**base, "passage_quote": "Dogs bark", "passage_paragraph": ""})
    assert good.status_code == 303
    node = node_row(app, "thesis-1", "mine")
    assert (node.passage_paragraph, node.passage_start, node.passage_end) == (1, 11, 21)
    text = client.get("/maps/mine?view=text").get_data(as_text=True)
    assert '<mark class="passage">Dogs bark.</mark>' in text
    # An edit form without the passage fields leaves the passage alone; an empty phrase clears.
    post(client, url, base)
    assert node_row(app, "thesis-1", "mine").passage_quote == "Dogs bark"
    post(client, url, {**base, "passage_quote": " "})
    assert node_row(app, "thesis-1", "mine").passage_start is None


def test_connect_cross_link(client, app):
    reply = post(client, f"{MAP}/nodes/korea-record/links",
                 {"kind": "support", "target": "thesis"}, htmx="panel")
    assert reply.status_code == 200
    assert ("support", "thesis", None) in relations_of(app, "korea-record")
    assert "Now supports" in reply.get_data(as_text=True)


def test_delete_explains_then_removes(client, app):
    panel = client.get(f"{MAP}?node=sma-full-title").get_data(as_text=True)
    assert "Deleting removes this node and its" in panel
    before = state(app)
    reply = post(client, f"{MAP}/nodes/ed-record-is-policy/delete", {"view": "outline"})
    assert reply.status_code == 303 and reply.location.endswith(f"{MAP}?view=outline#panel")
    assert node_row(app, "ed-record-is-policy") is None
    after = state(app)
    assert after[1] == before[1] - 1 and after[2] < before[2]


def test_delete_with_htmx_empties_the_panel(client, app):
    reply = post(client, f"{MAP}/nodes/opp-one-theater/delete", htmx="panel")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "Deleted" in html and 'id="node-detail"' not in html
    assert reply.headers["HX-Push-Url"] == MAP
    # The rebuttal that answered it stays, unconnected, and says so beforehand next time.
    assert node_row(app, "ed-no-regional-conflict") is not None


def test_delete_names_the_nodes_left_unconnected(client):
    html = client.get(f"{MAP}?node=opp-one-theater").get_data(as_text=True)
    box = html[html.index('id="act-delete"'):]
    box = box[:box.index("</details>")]
    assert "2 nodes argue about it" in box and "no longer be connected" in box


def test_add_a_free_node(client, app):
    reply = post(client, f"{MAP}/nodes", {"kind": "claim", "text": "A loose thought."},
                 htmx="panel")
    assert reply.status_code == 200
    key = newest_key(app, "claim")
    assert reply.headers["HX-Push-Url"] == f"{MAP}?node={key}"
    assert "A loose thought." in reply.get_data(as_text=True)


# --- validation: 422, message next to the field, nothing stored ---------------------------

CASES = [
    ("empty", f"{MAP}/nodes/thesis/arguments", {"form": "rebuttal", "text": ""},
     "rebuttal", "text", "is empty"),
    ("whitespace", f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": " \n\t "},
     "reason", "text", "is empty"),
    ("too-long", f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": LONG},
     "reason", "text", "too long (2001 characters; at most 2000)"),
    ("unknown-kind", f"{MAP}/nodes/thesis/edit", {"kind": "clam", "text": "x"},
     "edit", "kind", "unknown value &#39;clam&#39;"),
    ("new-unknown-kind", f"{MAP}/nodes", {"kind": "opinion", "text": "x"},
     "new", "kind", "unknown value"),
    ("edit-empty", f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "text": "  "},
     "edit", "text", "is empty"),
    ("self", f"{MAP}/nodes/thesis/links", {"kind": "support", "target": "thesis"},
     "link", "target", "cannot support or attack itself"),
    ("duplicate", f"{MAP}/nodes/treaty-alliance/links", {"kind": "attack", "target": "thesis"},
     "link", "target", "already argues about"),
    ("other-map", f"{MAP}/nodes/thesis/links", {"kind": "support", "target": "elsewhere"},
     "link", "target", "no node matches “elsewhere”"),
    ("no-target", f"{MAP}/nodes/thesis/links", {"kind": "support", "target": ""},
     "link", "target", "choose the node"),
    ("bad-relation-kind", f"{MAP}/nodes/thesis/links",
     {"kind": "undercut", "target": "korea-record"},
     "link", "kind", "supports or attacks"),
    ("evidence-no-citation", f"{MAP}/nodes/thesis/arguments",
     {"form": "evidence", "text": "Some fact."}, "evidence", "document", "cite a source"),
    ("evidence-bad-url", f"{MAP}/nodes/thesis/arguments",
     {"form": "evidence", "text": "Fact.", "document": "D", "locator": "L",
      "url": "javascript:alert(1)"}, "evidence", "url", "http:// or https://"),
    ("evidence-no-locator", f"{MAP}/nodes/thesis/arguments",
     {"form": "evidence", "text": "Fact.", "document": "D"}, "evidence", "locator", "is empty"),
    ("undercut-an-attack", f"{MAP}/nodes/ed-korus-linkage/undercuts", {"relation": "ATTACK",
                                                                  "text": "x"},
     "undercut", "relation", "not a support step"),
    ("evidence-edit-no-citation", f"{MAP}/nodes/thesis/edit", {"kind": "evidence", "text": "x"},
     "edit", "document", "evidence must cite a source"),
]


@pytest.mark.parametrize("url, data, prefix, field, message",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_invalid_input_is_refused_next_to_its_field(client, app, url, data, prefix, field,
                                                    message, htmx):
    if "elsewhere" in str(data):  # a node that exists, but in another map
        post(client, "/maps", {"title": "Elsewhere"})
        post(client, "/maps/elsewhere/nodes", {"kind": "thesis", "text": "Other."})
        with app.app_context():
            session = db.session()
            other = session.exec(select(Node).join(Map, Map.id == Node.map_id)
                                 .where(Map.slug == "elsewhere")).one()
            data = {**data, "target": other.key}
            message = message.replace("elsewhere", other.key)
    if data.get("relation") == "ATTACK":  # an attack relation's id: not an inference
        with app.app_context():
            session = db.session()
            attack = session.exec(select(Relation).join(Map, Map.id == Relation.map_id).where(
                Map.slug == "seminar", Relation.kind == "attack")).first()
            data = {**data, "relation": str(attack.id)}
    before = state(app)
    reply = post(client, url, data, htmx="panel" if htmx else None)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert html.lstrip().startswith('<aside id="panel"') == htmx
    shown = field_error(html, prefix, field)
    assert shown is not None and message in shown, (shown, html[:0])
    assert state(app) == before


def test_unknown_node_in_a_form_is_404_and_stores_nothing(client, app):
    before = state(app)
    reply = post(client, f"{MAP}/nodes/ghost/arguments", {"form": "reason", "text": "x"},
                 htmx="panel")
    assert reply.status_code == 404 and "no node &#39;ghost&#39;" in reply.get_data(as_text=True)
    assert post(client, "/maps/ghost/nodes/thesis/delete").status_code == 404
    assert state(app) == before


def test_state_changes_need_the_csrf_token(client, app):
    before = state(app)
    for url, data in [(f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "x"}),
                      (f"{MAP}/nodes/thesis/delete", {}), ("/maps", {"title": "T"}),
                      (f"{MAP}/fork", {"title": "F"}), ("/logout", {})]:
        reply = client.post(url, data={**data, "csrf_token": "forged"})
        assert reply.status_code == 400, url
        assert "did not come from argmap" in reply.get_data(as_text=True)
    assert state(app) == before
    token = client.get(MAP)  # a real page's token works
    assert token.status_code == 200


# --- maps: create and fork ----------------------------------------------------------------

def test_create_a_map(client, app):
    reply = post(client, "/maps", {"title": "Seminar 3: 방위비 & tariffs",
                                   "description": "Group B", "source_text": "Para one.\n"})
    assert reply.status_code == 303 and reply.location.endswith("/maps/seminar-3-tariffs"
                                                                "?view=outline")
    again = post(client, "/maps", {"title": "Seminar 3: tariffs"})
    assert again.location.endswith("/maps/seminar-3-tariffs-2?view=outline")
    index = client.get("/").get_data(as_text=True)
    assert "Seminar 3: 방위비 &amp; tariffs" in index
    with app.app_context():
        assert get_map(db.session(), slug="seminar-3-tariffs").source_text == "Para one."


@pytest.mark.parametrize("title, message", [("", "is empty"), ("   ", "is empty"),
                                            ("t" * 201, "too long")])
def test_create_a_map_needs_a_title(client, app, title, message):
    with app.app_context():
        count = len(db.session().exec(select(Map)).all())
    reply = post(client, "/maps", {"title": title, "source_text": "kept"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and message in (field_error(html, "create", "title") or "")
    assert ">kept</textarea>" in html
    with app.app_context():
        assert len(db.session().exec(select(Map)).all()) == count


def test_fork_copies_the_map(client, app):
    before = state(app)
    reply = post(client, f"{MAP}/fork", {"title": "Group A's map"})
    assert reply.status_code == 303 and reply.location.endswith("/maps/group-a-s-map")
    copy = state(app, "group-a-s-map")
    assert copy[1:] == before[1:]
    page = client.get("/maps/group-a-s-map").get_data(as_text=True)
    assert 'Forked from <a href="/maps/seminar">' in page
    post(client, "/maps/group-a-s-map/nodes/thesis/delete")
    assert state(app) == before  # the original is untouched


def test_fork_needs_a_title(client, app):
    reply = post(client, f"{MAP}/fork", {"title": " "})
    assert reply.status_code == 422
    assert "is empty" in field_error(reply.get_data(as_text=True), "fork", "title")


# --- who made it ---------------------------------------------------------------------------

def test_additions_carry_their_authors_name(client, app):
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "Mine."})
    node = node_row(app, newest_key(app, "claim"))
    assert node.author == "Olivia Kim" and node.created_by_id is not None
    panel = client.get(f"{MAP}?node={node.key}").get_data(as_text=True)
    assert "Added by Olivia Kim" in panel


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, target):
    post(client, "/logout")
    reply = post(client, "/login", {"username": "olivia", "password": "correct horse 1",
                                    "next": target})
    assert reply.status_code == 303 and reply.location == "/"
