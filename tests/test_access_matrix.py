"""The access-control matrix: every role against every route that reads or changes a map, on a
private and on a public map. Each allowed change starts from a copy of the same database, so
it cannot affect another cell; reads and denied changes are checked to store nothing.
"""

import re

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from argmap import create_app, db, paths
from argmap.cli import initialise
from argmap.domain.access import Invite, Membership
from argmap.domain.accounts import User
from argmap.domain.history import Change
from argmap.domain.maps import get_map
from argmap.errors import NotFound
from argmap.models import Map, Node, Premise, Relation
from tests.helpers import fork_seed, invite_link, post, sign_up

ROLES = ["anonymous", "guest", "viewer", "editor", "owner", "non-member"]
MAPS = ["private", "public"]

# (name, method, path, form data, what it needs). Paths name ids from the world below.
ROUTES = [
    ("page", "GET", "/maps/{slug}", None, "read"),
    ("outline", "GET", "/maps/{slug}?view=outline", None, "read"),
    ("source-text", "GET", "/maps/{slug}?view=text", None, "read"),
    ("panel", "GET", "/maps/{slug}?node=thesis", None, "read"),
    ("find", "GET", "/maps/{slug}/nodes/find?q=thesis", None, "read"),
    ("page-search", "GET", "/maps/{slug}?q=thesis", None, "read"),
    ("revision", "GET", "/maps/{slug}/revision?rev=0", None, "read"),
    ("view-dot", "GET", "/maps/{slug}/view.dot", None, "read"),
    ("changes", "GET", "/maps/{slug}/changes?since=0", None, "read"),
    ("export-svg", "GET", "/maps/{slug}/export.svg", None, "read"),
    ("export-dot", "GET", "/maps/{slug}/export.dot", None, "read"),
    ("diagram", "GET", "/maps/{slug}/diagram.svg", None, "read"),
    ("export-dialog", "GET", "/maps/{slug}/export?format=png&theme=print", None, "read"),
    ("export-deck", "GET", "/maps/{slug}/export.deck?hide=evidence", None, "read"),
    ("export-json", "GET", "/maps/{slug}/export.json", None, "read"),
    ("export-aif", "GET", "/maps/{slug}/export.aif.json", None, "read"),
    ("history", "GET", "/maps/{slug}/history", None, "read"),
    ("node-history", "GET", "/maps/{slug}/history?node=thesis", None, "read"),
    ("fork", "POST", "/maps/{slug}/fork", {"title": "My copy"}, "fork"),
    ("add-node", "POST", "/maps/{slug}/nodes", {"kind": "claim", "text": "New."}, "edit"),
    ("add-reason", "POST", "/maps/{slug}/nodes/thesis/arguments",
     {"form": "reason", "text": "Because."}, "edit"),
    ("add-evidence", "POST", "/maps/{slug}/nodes/thesis/arguments",
     {"form": "evidence", "text": "Fact.", "document": "Doc", "locator": "p. 1"}, "edit"),
    ("add-rebuttal", "POST", "/maps/{slug}/nodes/thesis/arguments",
     {"form": "rebuttal", "text": "No."}, "edit"),
    ("undercut", "POST", "/maps/{slug}/nodes/thesis/undercuts",
     {"relation": "{support}", "text": "Does not follow."}, "edit"),
    ("edit", "POST", "/maps/{slug}/nodes/thesis/edit", {"kind": "thesis", "text": "Edited."},
     "edit"),
    ("link", "POST", "/maps/{slug}/nodes/korea-record/links",
     {"kind": "attack", "target": "ed-record-is-policy"}, "edit"),
    ("delete", "POST", "/maps/{slug}/nodes/ed-record-is-policy/delete", {}, "edit"),
    ("co-premise", "POST", "/maps/{slug}/nodes/thesis/premises",
     {"relation": "{support}", "text": "Also needed."}, "edit"),
    ("remove-co-premise", "POST", "/maps/{slug}/nodes/thesis/premises/remove",
     {"relation": "{linked}", "premise": "agreed-undone-by-agreement"}, "edit"),
    ("attach-text", "POST", "/maps/{slug}/text", {"source_text": "x"}, "edit"),
    ("map-passage", "POST", "/maps/{slug}/nodes/passages",
     {"passage_quote": "holds", "kind": "claim", "text": "It holds."}, "edit"),
    ("revert", "POST", "/maps/{slug}/changes/{change}/revert", {}, "edit"),
    ("undo", "POST", "/maps/{slug}/undo", {}, "edit-own"),
    ("what-if", "POST", "/maps/{slug}/whatif", {"key": "thesis", "action": "withdraw"},
     "read-session"),
    ("rate", "POST", "/maps/{slug}/nodes/thesis/rating", {"rating": "3"}, "member"),
    ("sharing", "GET", "/maps/{slug}/sharing", None, "owner"),
    ("visibility", "POST", "/maps/{slug}/sharing/visibility", {"public": "{toggle}"},
     "owner"),
    ("set-role", "POST", "/maps/{slug}/sharing/role",
     {"member": "{viewer_id}", "role": "editor"}, "owner"),
    ("remove-member", "POST", "/maps/{slug}/sharing/remove", {"member": "{viewer_id}"},
     "owner"),
    ("hand-over", "POST", "/maps/{slug}/sharing/owner", {"member": "{editor_id}"}, "owner"),
    ("invite", "POST", "/maps/{slug}/sharing/invites", {"role": "viewer", "days": "3"},
     "owner"),
    ("revoke", "POST", "/maps/{slug}/sharing/invites/{invite}/revoke", {}, "owner"),
    ("delete-map", "POST", "/maps/{slug}/delete", {"confirm": "{slug}"}, "owner"),
]


def expected(role: str, visibility: str, need: str) -> str:
    """'allow', 'deny' (403, or a redirect to log in) or 'hidden' (404)."""
    member = role in ("viewer", "editor", "owner") or (role == "guest" and
                                                       visibility == "private")
    if visibility == "private" and not member:
        return "hidden"
    if need in ("read", "read-session"):
        return "allow"
    if need == "member":
        return "allow" if member else "deny"
    if need == "fork":
        return "allow" if role in ("viewer", "editor", "owner", "non-member") else "deny"
    if need == "owner":
        return "allow" if role == "owner" else "deny"
    can_edit = role in ("editor", "owner") or (role == "guest" and member)
    return "allow" if can_edit else "deny"


@pytest.fixture(scope="module")
def world(tmp_path_factory, databases):
    """Users, two maps and their memberships, built once through the real routes."""
    base = tmp_path_factory.mktemp("world")
    url = databases.new(base, "world")
    databases.keep(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url,
                      "RENDER_CACHE_DIR": str(base / "cache"), "SEEDS_DIR": str(paths.SEEDS),
                      "SECRET_KEY": "matrix"})
    with app.app_context():
        initialise(app.config["SEEDS_DIR"])
        db.close_session()
    ids = {}
    owner = app.test_client()
    sign_up(owner, "owner", "Owner")
    for name in MAPS:
        fork_seed(owner, name.title())
    post(owner, "/maps/public/sharing/visibility", {"public": "1"})
    for name in MAPS:
        for role in ("viewer", "editor"):
            link = invite_link(owner, f"/maps/{name}", role)
            if name == "private" and role == "editor":
                guest = app.test_client()
                assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
            member = app.test_client()
            if f"{role}_id" not in ids:
                sign_up(member, role)
            else:
                post(member, "/login", {"username": role, "password": "correct horse 1"})
            assert post(member, link, {"as": "account"}).status_code == 303
            ids[f"{role}_id"] = True
        # A change by the owner to revert, and one to undo.
        post(owner, f"/maps/{name}/nodes/thesis/arguments", {"form": "reason", "text": "R."})
    nonmember = app.test_client()
    sign_up(nonmember, "stranger")
    with app.app_context():
        session = db.session()
        # Without passage anchors, any text can be attached (anchors are tested elsewhere).
        with db.transaction(session):
            session.execute(update(Node).values(passage_quote=None, passage_paragraph=None))
            session.execute(update(Map).values(source_text="The alliance holds."))
        accounts = session.exec(select(User)).all()
        users = {u.username or "guest": u.id for u in accounts}
        logins = {u.username or "guest": u.get_id() for u in accounts}  # session cookies
        per_map = {}
        for name in MAPS:
            found = get_map(session, slug=name)
            thesis = session.exec(select(Node.id).where(Node.map_id == found.id,
                                                        Node.key == "thesis")).one()
            per_map[name] = {
                "support": session.exec(select(Relation.id).where(
                    Relation.target_node_id == thesis, Relation.kind == "support")).first(),
                "change": session.exec(select(Change.id).where(Change.map_id == found.id)
                                       ).first(),
                "linked": session.exec(select(Premise.relation_id).join(
                    Node, col(Node.id) == Premise.node_id).where(
                    Premise.map_id == found.id, Node.key == "agreed-undone-by-agreement")
                    ).first(),
                "invite": session.exec(select(Invite.id).where(Invite.map_id == found.id)
                                       ).first(),
                "viewer_id": users["viewer"], "editor_id": users["editor"],
            }
        db.close_session()
    app.extensions["argmap.engine"].dispose()
    return {"url": url, "users": {
        "guest": logins["guest"], "viewer": logins["viewer"], "editor": logins["editor"],
        "owner": logins["owner"], "non-member": logins["stranger"]}, "maps": per_map}


@pytest.fixture(scope="module")
def matrix_app(world, tmp_path_factory, template_cache, render_cache):
    """One app for the matrix's cells (building one per cell would cost more than the cell);
    each cell points it at its database with `on_database`."""
    app = create_app({"TESTING": True, "DATABASE_URL": world["url"],
                      "RENDER_CACHE_DIR": render_cache, "SECRET_KEY": "matrix",
                      "JINJA_BYTECODE_CACHE_DIR": template_cache})
    yield app
    app.extensions["argmap.engine"].dispose()


def on_database(app, url: str):
    app.extensions["argmap.engine"].dispose()
    app.config["DATABASE_URL"] = url
    app.extensions["argmap.engine"] = db.make_engine(url)
    return app


def _footprint(session, slug: str):
    """What a denied request must not change: the map's revision and visibility, its history,
    members and their roles, and its invite links."""
    try:
        found = get_map(session, slug=slug)
    except NotFound:
        return "deleted"
    return (found.revision, found.visibility,
            session.exec(select(func.count(Change.id)).where(Change.map_id == found.id)).one(),
            sorted(session.exec(select(Membership.user_id, Membership.role).where(
                Membership.map_id == found.id)).all()),
            sorted(session.exec(select(Invite.id, Invite.revoked_at).where(
                Invite.map_id == found.id)).all(), key=str),
            session.exec(select(func.count(Node.id))).one())


@pytest.mark.parametrize("visibility", MAPS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_access(world, matrix_app, databases, tmp_path, role, visibility, route):
    name, method, path, data, need = route
    want = expected(role, visibility, "edit" if need == "edit-own" else need)
    if need == "edit-own" and role == "guest" and want == "allow":
        want = "nothing-to-undo"  # a guest who has made no change has nothing to undo
    if need == "edit-own" and role == "editor":
        want = "nothing-to-undo"
    # A change that is allowed gets its own copy of the world, so that it cannot affect
    # another cell. Reads and refusals answer from the world itself: each cell checks that
    # its footprint stays the same, so one that changed it would fail there.
    database = (databases.copy(world["url"], tmp_path, "cell")
                if method == "POST" and want == "allow" else world["url"])
    app = on_database(matrix_app, database)
    client = app.test_client()
    if role != "anonymous":  # the session Flask-Login's login_user would create
        with client.session_transaction() as cookie:
            cookie["_user_id"] = world["users"][role]
            cookie["_fresh"] = True
    fill = {"slug": visibility, "toggle": "0" if visibility == "public" else "1",
            **world["maps"][visibility]}
    url = path.format(**fill)
    with app.app_context():
        before = _footprint(db.session(), visibility)
        db.close_session()
    if method == "GET":
        reply = client.get(url)
    else:
        reply = post(client, url, {k: str(v).format(**fill) for k, v in data.items()})
    status, location = reply.status_code, reply.headers.get("Location", "")
    with app.app_context():
        after = _footprint(db.session(), visibility)
        db.close_session()
    app.extensions["argmap.engine"].dispose()
    cell = f"{role} {method} {url} on the {visibility} map"
    if want == "allow":
        assert status in (200, 204, 303) and "/login" not in location, (cell, status)
        if method == "POST" and need not in ("fork", "read-session"):
            assert after != before, f"{cell}: allowed but changed nothing"
        if need == "read-session":  # a what-if lives in the session: nothing stored
            assert after == before, f"{cell}: a what-if changed the map"
    elif want == "nothing-to-undo":  # back where they were, told so: not an error page
        assert status == 303 and "/login" not in location and after == before, (cell, status)
    else:
        if want == "hidden":
            assert status == 404, (cell, status)
        else:
            assert status == 403 or (status == 303 and "/login" in location), (cell, status)
        assert after == before, f"{cell}: denied but something changed"


@pytest.mark.parametrize("role, allowed", [("anonymous", False), ("guest", False),
                                           ("non-member", True), ("owner", True)])
def test_creating_a_map_needs_an_account(world, matrix_app, databases, tmp_path, role,
                                         allowed):
    app = on_database(matrix_app, databases.copy(world["url"], tmp_path, "cell"))
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as cookie:
            cookie["_user_id"] = world["users"][role]
    reply = post(client, "/maps", {"title": "Brand new"})
    assert (reply.status_code == 303) is allowed
    assert reply.status_code == (303 if allowed else 403)
    index = client.get("/").get_data(as_text=True)
    assert ('href="/maps/private"' in index) is (role in ("guest", "owner"))
    assert 'href="/maps/public"' in index and 'href="/maps/treaty-alliance"' in index
    app.extensions["argmap.engine"].dispose()


def test_the_matrix_covers_every_map_route(app):
    """A new route under a map must be added to ROUTES (and so to the matrix)."""
    covered = set()
    for _name, method, path, _data, _need in ROUTES:
        bare = re.sub(r"\?.*$", "", path)
        bare = re.sub(r"\{[a-z_]+\}|thesis|korea-record|ed-record-is-policy|\d+", "<>", bare)
        covered.add((method, re.sub(r"export\.\w+", "export.<>", bare)))
    routes = set()
    for rule in app.url_map.iter_rules():
        if "<slug>" not in rule.rule:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, re.sub(r"<[^>]+>", "<>", rule.rule).replace(
                "/maps/<>/", "/maps/<>/", 1)))
    assert routes <= covered, sorted(routes - covered)
