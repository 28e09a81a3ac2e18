"""Hostile input stays inert everywhere; security headers, cookies, request size, and guests
losing access when their invite link is revoked.

The red team's categories are tables here: payload x view x export (SURFACES), hostile file
x way in (HOSTILE_FILES: the CLI and the upload form), and race x database (RACES and the
slug races; `make test` runs each on SQLite and on PostgreSQL)."""

import contextlib
import io
import json
import re
import statistics
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, func
from sqlmodel import SQLModel, col, select
from werkzeug.security import check_password_hash

from argmap import create_app, db
from argmap.domain.accounts import hash_password
from argmap.domain.maps import get_map
from argmap.errors import MapFileError
from argmap.formats import read, write
from argmap.formats.mapfile import load_map_file
from argmap.models import Map, Node, User, utcnow
from argmap.web.outline import MAX_INDENT, build_outline
from tests.helpers import (
    UNDRAWABLE,
    csrf,
    fork_seed,
    invite_link,
    node,
    post,
    rel,
    sign_up,
    tiny_map,
)

MAP = "/maps/seminar"
SVG = "{http://www.w3.org/2000/svg}"

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '"]; a -> b [label="pwned',
    "} digraph x { evil",
    "\\N \\G \\L \\\\ back\\slashes",
    "<![CDATA[ ]]> <!-- --> &amp; &lt;",
    "javascript:alert(1)",
    "{{ 7*7 }} {% raw %}",
    "\u202eright-to-left \u0007\u001b control",
    "<foreignObject><body onload=alert(1)></foreignObject>",
]


@pytest.fixture
def hostile(client, app):
    """A fork where every payload sits in node texts, a title and citation fields."""
    sign_up(client, "mallory", 'Mallory "><script>alert(1)</script>')
    fork_seed(client)
    for i, payload in enumerate(PAYLOADS + UNDRAWABLE):
        reply = post(client, f"{MAP}/nodes/thesis/arguments", {
            "form": "evidence", "text": f"Evidence {i}: {payload}",
            "document": f"Doc {payload}", "locator": payload[:100], "quote": payload})
        assert reply.status_code == 303, reply.get_data(as_text=True)[:500]
    post(client, f"{MAP}/nodes/thesis/edit", {"kind": "thesis", "title": PAYLOADS[1],
                                              "text": PAYLOADS[0] + PAYLOADS[3]})
    return client


class Markup(HTMLParser):
    """Every element and attribute the browser would see."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _no_live_markup(html: str) -> None:
    for tag, attrs in Markup(html).tags:
        assert tag not in ("img", "iframe", "object", "embed", "foreignobject"), tag
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "xlink:href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), value


def _inert_svg(svg_text: str, keys: set[str]) -> None:
    root = ET.fromstring(svg_text[svg_text.index("<svg"):svg_text.rindex("</svg>") + 6])
    for element in root.iter():
        tag = element.tag.replace(SVG, "")
        assert tag not in ("script", "foreignObject"), tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name.endswith("href"):
                assert value.startswith("/maps/") or value.startswith("http"), value
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "<script>alert(1)</script>" in texts  # shown as text, not run
    drawn = {g.get("id", "")[2:] for g in root.iter(f"{SVG}g")
             if "node" in (g.get("class") or "").split()
             and g.get("id", "").startswith("n-")}
    assert drawn == keys  # no node injected by a label breaker, none lost


def _page(reply, keys):
    html = reply.get_data(as_text=True)
    _no_live_markup(html)
    if "<svg" in html:
        _inert_svg(html, keys)


def _dot(reply, keys):
    parsed = subprocess.run(["dot", "-Tcanon"], input=reply.get_data(as_text=True),
                            capture_output=True, text=True, timeout=60, check=True).stdout
    declared = set(re.findall(r'^\s*"?n-([a-z0-9-]+)"?\s*\[', parsed, re.M))
    assert declared == keys  # exactly our nodes: no "a", "b" or "x" smuggled in
    assert not re.search(r"^\s*\"?(a|b|x)\"?\s*(->|\[)", parsed, re.M)


def _reads_back(fmt):
    def check(reply, keys):
        _fmt, imported = read(reply.data, f"back.{fmt}", fmt)
        assert len(imported.data.nodes) == len(keys)
    return check


# payload x view x export: each surface, with the check that its output is valid and inert.
SURFACES = {
    "map page": ("{map}", _page), "outline": ("{map}?view=outline", _page),
    "node panel": ("{map}?node=thesis", _page), "source text": ("{map}?view=text", _page),
    "history": ("{map}/history", _page), "maps": ("/", _page),
    "svg": ("{map}/export.svg", lambda reply, keys: _inert_svg(reply.get_data(as_text=True),
                                                                keys)),
    "png": ("{map}/export.png", lambda reply, _: reply.data.startswith(b"\x89PNG") or 1 / 0),
    "pdf": ("{map}/export.pdf", lambda reply, _: reply.data.startswith(b"%PDF-") or 1 / 0),
    "deck": ("{map}/export.deck", lambda reply, _: reply.data.startswith(b"%PDF-") or 1 / 0),
    "dot": ("{map}/export.dot", _dot),
    "json": ("{map}/export.json", _reads_back("json")),
    "argdown": ("{map}/export.argdown", _reads_back("argdown")),
    "aif": ("{map}/export.aif.json", _reads_back("aif")),
    "ova": ("{map}/export.ova.json", _reads_back("aif")),
}


def test_every_payload_is_inert_and_every_output_valid_in_every_view_and_export(hostile, app):
    with app.app_context():
        found = get_map(db.session(), slug="seminar")
        keys = set(db.session().exec(select(Node.key).where(Node.map_id == found.id)).all())
    failures = {}
    for surface, (url, check) in SURFACES.items():
        reply = hostile.get(url.format(map=MAP))
        try:
            assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
            check(reply, keys)
        except (AssertionError, ZeroDivisionError, MapFileError, ET.ParseError,
                subprocess.CalledProcessError) as exc:
            failures[surface] = repr(exc)[:300]
    assert failures == {}
    page = hostile.get(f"{MAP}?view=outline").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # escaped, not dropped


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example/",
                                    "/\n/evil.example/", "/%09/evil.example/",
                                    "/\\evil.example", "https://evil.example/", " //evil.example",
                                    "/\r\nSet-Cookie: x=1"])
def test_login_and_sign_up_never_redirect_off_the_site(client, target):
    reply = post(client, "/signup", {"username": "olivia", "display_name": "Olivia",
                                     "password": "correct horse 1", "next": target})
    assert reply.status_code == 303 and reply.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf(client)})
    reply = post(client, "/login", {"username": "olivia", "password": "correct horse 1",
                                    "next": target})
    assert reply.status_code == 303 and reply.headers["Location"] == "/"


def test_login_keeps_a_safe_next(client):
    reply = post(client, "/signup", {"username": "olivia2", "display_name": "O",
                                     "password": "correct horse 1",
                                     "next": "/maps/treaty-alliance?node=thesis"})
    assert reply.headers["Location"] == "/maps/treaty-alliance?node=thesis"


def test_security_headers_on_every_page(client):
    for url in ("/", "/maps/treaty-alliance", "/login", "/nowhere"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style():
    from argmap.paths import TEMPLATES
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template


def test_session_cookie_flags(client):
    reply = sign_up(client, "cookie")
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.post("/login", base_url="https://localhost", data={
        "username": "cookie", "password": "correct horse 1",
        "csrf_token": csrf(client)})  # a new one: sign-up began a new session
    assert "Secure" in secure.headers["Set-Cookie"]


def test_passwords_are_hashed_never_stored(client, app):
    sign_up(client, "hashme", password="a long secret phrase")
    with app.app_context():
        from argmap.domain.accounts import User
        user = db.session().exec(select(User).where(User.username == "hashme")).one()
    # The suite sets a cheap method (tests/conftest.py); scrypt is the default, below.
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0] + ":")
    assert "a long secret phrase" not in user.password_hash


def test_scrypt_is_the_default_password_hash(monkeypatch, tmp_path):
    monkeypatch.delenv("ARGMAP_PASSWORD_HASH")
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "TESTING": True})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        hashed = hash_password("a long secret phrase")
    assert hashed.startswith("scrypt:") and check_password_hash(hashed, "a long secret phrase")


def test_requests_over_the_size_limit_are_refused(client, app):
    sign_up(client, "big")
    fork_seed(client)
    reply = post(client, f"{MAP}/text", {"source_text": "x" * (3 * 1024 * 1024)})
    assert reply.status_code == 413


def test_revoking_an_invite_ends_its_guests_access(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, MAP)
    guest = app.test_client()
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    assert guest.get(MAP).status_code == 200
    settings = client.get(f"{MAP}/sharing").get_data(as_text=True)
    assert "Gus (guest)" in settings
    invite_id = re.search(r"/sharing/invites/(\d+)/revoke", settings).group(1)
    post(client, f"{MAP}/sharing/invites/{invite_id}/revoke")
    assert guest.get(MAP).status_code == 404  # no longer a member, and logged out
    assert "Log in" in guest.get("/").get_data(as_text=True)
    assert guest.get(link).status_code == 404  # the link itself is dead


def test_the_sharing_page_says_a_removed_guest_can_rejoin_until_the_link_goes(client, app):
    """Removing a guest ends their access, but their link still works: the page says which
    link each guest joined with, and that only revoking it keeps them out."""
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, MAP, "editor")
    guest = app.test_client()
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    settings = client.get(f"{MAP}/sharing").get_data(as_text=True)
    assert re.search(r"Gus \(guest\).*guest, joined with the editor link of \d{4}-", settings,
                     re.S)
    assert "To keep someone out, also revoke the link they\n    joined with" in settings
    member = re.search(r'name="member" value="(\d+)">\s*<button type="submit" '
                       r'class="secondary">Remove', settings).group(1)
    assert post(client, f"{MAP}/sharing/remove", {"member": member}).status_code == 303
    assert guest.get(MAP).status_code == 404
    rejoin = app.test_client()  # as the page says: the link lets them back in
    assert post(rejoin, link, {"as": "guest", "name": "Gus"}).status_code == 303


def test_expired_invites_do_not_work(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, MAP, "viewer", days="1")
    from datetime import timedelta

    from argmap.domain.access import Invite
    from argmap.models import utcnow
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            for invite in session.exec(select(Invite)):
                invite.expires_at = utcnow() - timedelta(minutes=1)
                session.add(invite)
    assert app.test_client().get(link).status_code == 404
    bad = post(client, f"{MAP}/sharing/invites", {"role": "viewer", "days": "0"})
    assert bad.status_code == 422 and "1 to 365" in bad.get_data(as_text=True)


def test_changing_the_password_ends_other_sessions(client, app):
    sign_up(client, "olivia")
    laptop = app.test_client()
    assert post(laptop, "/login", {"username": "olivia",
                                   "password": "correct horse 1"}).status_code == 303
    assert "Signed in as" in laptop.get("/").get_data(as_text=True)
    wrong = post(client, "/account", {"current_password": "nope nope nope",
                                      "new_password": "battery staple 22"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="account-current_password-error"' in html
    assert "this is not your current password" in html and "nope nope" not in html
    short = post(client, "/account", {"current_password": "correct horse 1",
                                      "new_password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(
        as_text=True)
    done = post(client, "/account", {"current_password": "correct horse 1",
                                     "new_password": "battery staple 22"})
    assert done.status_code == 200 and "Password changed" in done.get_data(as_text=True)
    assert "Signed in as" in client.get("/").get_data(as_text=True)  # this session stays
    assert "Signed in as" not in laptop.get("/").get_data(as_text=True)  # the other ended
    assert post(laptop, "/login", {"username": "olivia",
                                   "password": "correct horse 1"}).status_code == 422
    assert post(laptop, "/login", {"username": "olivia",
                                   "password": "battery staple 22"}).status_code == 303


def test_the_account_page_needs_a_login_and_csrf(client, app):
    reply = client.get("/account")
    assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    sign_up(client, "olivia")
    forged = client.post("/account", data={"current_password": "correct horse 1",
                                           "new_password": "battery staple 22"})
    assert forged.status_code == 400  # no CSRF token


def test_an_operator_sets_a_forgotten_password(runner, client, app):
    sign_up(client, "olivia")
    result = runner.invoke(args=["user", "password", "olivia"],
                           input="battery staple 22\nbattery staple 22\n")
    assert result.exit_code == 0, result.output
    assert "olivia: password set" in result.output
    assert "Signed in as" not in client.get("/").get_data(as_text=True)
    assert post(client, "/login", {"username": "olivia",
                                   "password": "battery staple 22"}).status_code == 303
    missing = runner.invoke(args=["user", "password", "nobody"], input="x" * 12 + "\n" +
                            "x" * 12 + "\n")
    assert missing.exit_code == 1 and "no account named 'nobody'" in missing.output
    weak = runner.invoke(args=["user", "password", "olivia", "--password", "short"])
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output


def test_deleting_an_account(client, app):
    from argmap.domain.accounts import User
    from argmap.domain.ratings import Rating
    from argmap.models import Map, Node

    sign_up(client, "olivia", "Olivia Kim")
    fork_seed(client, "Mine alone")
    other = app.test_client()
    sign_up(other, "carla")
    fork_seed(other, "Shared")
    link = invite_link(other, "/maps/shared")
    assert post(client, link, {"as": "account"}).status_code == 303
    post(client, "/maps/shared/nodes/thesis/arguments", {"form": "reason", "text": "Mine."})
    post(client, "/maps/shared/nodes/thesis/rating", {"rating": "4"})
    with app.app_context():
        revision = db.session().exec(select(Map.revision).where(Map.slug == "shared")).one()
        db.close_session()
    account = client.get("/account").get_data(as_text=True)
    assert "deleted with your account" in account and "Mine alone" in account

    wrong = post(client, "/account/delete", {"password": "not it at all"})
    assert wrong.status_code == 422
    assert 'id="delete-account-password-error"' in wrong.get_data(as_text=True)
    done = post(client, "/account/delete", {"password": "correct horse 1"})
    assert done.status_code == 303 and "Signed in as" not in client.get("/").get_data(
        as_text=True)
    with app.app_context():
        session = db.session()
        assert session.exec(select(User).where(User.username == "olivia")).first() is None
        assert session.exec(select(Map).where(Map.slug == "mine-alone")).first() is None
        shared = session.exec(select(Map).where(Map.slug == "shared")).one()
        assert shared.revision > revision  # the rating went: the map is drawn again
        assert session.exec(select(Rating)).all() == []
        mine = session.exec(select(Node).where(Node.text == "Mine.")).one()
        assert mine.author == "Olivia Kim" and mine.created_by_id is None
        db.close_session()
    assert post(client, "/login", {"username": "olivia",
                                   "password": "correct horse 1"}).status_code == 422
    sign_up(client, "olivia")  # the name is free again


def test_an_owner_of_a_shared_map_hands_it_over_first(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, "/maps/seminar")
    guest = app.test_client()
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    assert "no other member with an account" in client.get("/account").get_data(
        as_text=True)  # a guest could not take it over
    member = app.test_client()
    sign_up(member, "mark")
    assert post(member, link, {"as": "account"}).status_code == 303
    refused = post(client, "/account/delete", {"password": "correct horse 1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "first hand over “Seminar”" in html
    assert client.get("/maps/seminar").status_code == 200
    assert post(guest, "/account/delete", {"password": "x"}).status_code == 403


# --- hostile numbers x number fields: "²" passes str.isdigit but not int(); 20 digits
# overflow a BIGINT. Each is refused as bad input (4xx), never a 500, and nothing changes.
NUMBER_FIELDS = {
    "node version": ("{map}/nodes/thesis/edit", {"kind": "thesis", "text": "Changed."},
                     "version"),
    "undercut step": ("{map}/nodes/thesis/undercuts", {"text": "U."}, "relation"),
    "co-premise step": ("{map}/nodes/thesis/premises", {"text": "P."}, "relation"),
    "paragraph": ("{map}/nodes/thesis/edit", {"kind": "thesis", "text": "T.",
                                             "passage_quote": "alliance"}, "passage_paragraph"),
    "rating": ("{map}/nodes/thesis/rating", {}, "rating"),
    "invite days": ("{map}/sharing/invites", {"role": "editor"}, "days"),
    "member": ("{map}/sharing/role", {"role": "editor"}, "member"),
}


@pytest.mark.parametrize("number", ["\u00b2", "9" * 20, "-1", "\uff11"])
def test_hostile_numbers_are_bad_input_not_a_500(client, app, number):
    sign_up(client, "mallory")
    fork_seed(client)
    before = client.get(f"{MAP}/history").get_data(as_text=True)
    for name, (url, data, field) in NUMBER_FIELDS.items():
        reply = post(client, url.format(map=MAP), {**data, field: number})
        assert 400 <= reply.status_code < 500, (name, reply.status_code)
    for path in (f"/changes/{'9' * 20}/revert", f"{MAP}/sharing/invites/{'9' * 20}/revoke"):
        assert post(client, path).status_code == 404, path
    assert client.get(f"{MAP}/history").get_data(as_text=True) == before


def test_a_chain_a_thousand_steps_deep_breaks_no_view(client, app):
    """Any format can import a long chain; the outline is built and written without
    recursion, and indents at most MAX_INDENT levels (the rest say their level)."""
    nodes = [node("n0", "thesis", "Link 0.")] + [node(f"n{i}", "claim", f"Link {i}.")
                                                 for i in range(1, 1000)]
    chain = tiny_map(*nodes, relations=[rel("support", f"n{i}", f"n{i - 1}")
                                        for i in range(1, 1000)], slug="chain")
    sign_up(client, "mallory")
    reply = post(client, "/maps/import", {"file": (io.BytesIO(write(chain, "json").encode()),
                                                   "chain.json"), "format": "json"},
                 content_type="multipart/form-data")
    assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
    # A map this big opens on its thesis and two levels, with a stub for the rest...
    page = client.get("/maps/chain?view=outline").get_data(as_text=True)
    assert page.count('class="outline-item"') == 3
    assert page.count("<ul") - page.count("</ul") == 0
    # ...and its whole outline is built without recursion, indenting at most MAX_INDENT.
    rows = build_outline(read(write(chain, "json").encode(), "chain.json", "json")[1].data)
    assert len(rows) == 1000 and rows[-1].level == 999 and rows[-1].depth == MAX_INDENT
    for path in ("/maps/chain", "/maps/chain?node=n999", "/maps/chain/export.json",
                 "/maps/chain/history", "/maps/chain/export.aif.json"):
        assert client.get(path).status_code in (200, 422), path
    argdown = client.get("/maps/chain/export.argdown")
    assert max(len(line) - len(line.lstrip()) for line in argdown.get_data(as_text=True)
               .splitlines()) <= 2 * 40  # deeper links go on in blocks of their own
    _fmt, back = read(argdown.data, "chain.argdown", "argdown")
    assert len(back.data.nodes) == 1000 and len(back.data.relations) == 999


# --- hostile files x ways in: each is refused with one line, and nothing is stored -----------

def _native(map_fields: str = "", nodes: str = '[{"id": "t", "kind": "thesis", "text": "T"}]',
            sources: str = "[]", title: str = "Hostile") -> str:
    return ('{"format": "argmap", "version": 2, "map": {"title": "' + title + '"' + map_fields
            + '}, "sources": ' + sources + ', "nodes": ' + nodes + "}")


def _aif(node_extra: str) -> str:
    return ('{"nodes": [{"nodeID": 1, "type": "I", "text": "T"' + node_extra + '}], '
            '"edges": []}')


HOSTILE_FILES = {
    "long title": (_native(title="x" * 10_000), "json", "title"),
    "long description": (_native(', "description": "' + "d" * 50_000 + '"'), "json",
                         "description"),
    "javascript url": (_native(', "document": {"url": "javascript:alert(1)"}'), "json",
                       "url"),
    "data url": (_native(', "document": {"url": "data:text/html,x"}'), "json", "url"),
    "5,000 digits": (_native(', "slug": ' + "9" * 5_000), "json", "not readable JSON"),
    "huge paragraph": (_native(nodes='[{"id": "t", "kind": "thesis", "text": "T", '
                                     '"passage": {"paragraph": ' + str(10**30) + '}}]'),
                       "json", "passage_paragraph"),
    "source id a list": (_native(sources='[{"id": ["a"], "document": "d", "locator": "l"}]'),
                         "json", "expected text"),
    "aif type a list": ('{"nodes": [{"nodeID": 1, "type": ["I"], "text": "T"}], "edges": []}',
                        "aif", "type"),
    "aif argmap a string": (_aif(', "argmap": "x"'), "aif", "argmap"),
    "aif tags a number": (_aif(', "argmap": {"tags": 3}'), "aif", "tags"),
    "10,001 statements": (_native(nodes=json.dumps([{"id": f"n{i}", "kind": "claim", "text": "C"}
                                                    for i in range(10_001)])),
                          "json", "the file has more than 10,000 statements"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_files_are_refused_by_every_way_in(case, app, client, runner, tmp_path):
    text, fmt, words = HOSTILE_FILES[case]
    with app.app_context():
        before = db.session().exec(select(func.count(col(Node.id)))).one()
    path = tmp_path / f"hostile.{'aif' if fmt == 'aif' else 'json'}"
    path.write_text(text)
    result = runner.invoke(args=["import", str(path), "--format", fmt])
    assert result.exit_code == 1 and words in result.output, result.output[-500:]
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    sign_up(client, "uploader")
    reply = post(client, "/maps/import", {"file": (io.BytesIO(text.encode()), path.name),
                                          "format": fmt}, content_type="multipart/form-data")
    assert reply.status_code == 422 and words in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(func.count(col(Node.id)))).one() == before


def test_a_yaml_file_with_aliases_is_refused_before_it_expands(tmp_path):
    laughs = ["format: argmap-map/2", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        laughs.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(laughs) + "\n")
    with pytest.raises(MapFileError, match=r"laughs\.yaml:3: invalid YAML: aliases"):
        load_map_file(path)


def test_argdown_front_matter_with_aliases_is_refused():
    text = "===\na: &a [x, x, x]\nb: [*a, *a, *a]\n===\n\n[T]: A thesis.\n"
    with pytest.raises(MapFileError, match="aliases"):
        read(text.encode(), "laughs.argdown", "argdown")


# --- races ----------------------------------------------------------------------------------

def _upload(client):
    text = ('{"format": "argmap", "version": 2, "map": {"slug": "brand-new", "title": "B"}, '
            '"nodes": [{"id": "t", "kind": "thesis", "text": "T"}]}')
    return post(client, "/maps/import", {"file": (io.BytesIO(text.encode()), "b.json"),
                                         "format": "json"}, content_type="multipart/form-data")


NEW_MAPS = {
    "create": lambda client: post(client, "/maps", {"title": "Brand new"}),
    "fork": lambda client: post(client, "/maps/treaty-alliance/fork", {"title": "Brand new"}),
    "import": _upload,
}


@contextlib.contextmanager
def rival_commits(engine, table: str, row: dict):
    """Another request commits `row` into `table` just before this one's first insert into
    it (made to happen at the database connection); yields a list that is true once it has."""
    raced: list[bool] = []

    def rival(_conn, _cursor, statement, *_args):
        if statement.lstrip().replace('"', "").startswith(f"INSERT INTO {table} ") \
                and not raced:
            raced.append(True)
            with engine.connect() as other:
                other.execute(SQLModel.metadata.tables[table].insert().values(**row))
                other.commit()

    event.listen(engine, "before_cursor_execute", rival)
    try:
        yield raced
    finally:
        event.remove(engine, "before_cursor_execute", rival)


def _map_row(slug: str, title: str, visibility: str) -> dict:
    return dict(slug=slug, title=title, description="", revision=1, visibility=visibility,
                created_at=utcnow(), updated_at=utcnow())


@pytest.mark.parametrize("way", NEW_MAPS)
def test_a_slug_taken_meanwhile_gives_the_next_one_not_a_500(app, client, way):
    """Another request commits a map with the same slug between this request's choice of
    the slug and its insert (made to happen at the database connection): the change runs
    again and takes the next slug."""
    sign_up(client, "olivia")
    with rival_commits(app.extensions["argmap.engine"], "map",
                       _map_row("brand-new", "Brand new", "private")) as raced:
        reply = NEW_MAPS[way](client)
    assert raced and reply.status_code == 303, reply.get_data(as_text=True)[:300]
    assert "/maps/brand-new-2" in reply.headers["Location"]
    with app.app_context():
        slugs = db.session().exec(select(Map.slug).where(
            col(Map.slug).startswith("brand-new"))).all()
    assert sorted(slugs) == ["brand-new", "brand-new-2"]


def test_a_cli_import_whose_slug_is_taken_meanwhile_says_so_in_one_line(app, runner, tmp_path):
    """`argmap import` keeps the file's slug (no renaming on the command line): when another
    process takes it between the check and the insert, the import says so as it does when
    the slug was taken before, and stores nothing."""
    file = tmp_path / "raced.json"
    file.write_text(write(tiny_map(node("t", "thesis", "T."), slug="raced"), "json"))
    with rival_commits(app.extensions["argmap.engine"], "map",
                       _map_row("raced", "Rival", "public")) as raced:
        result = runner.invoke(args=["import", str(file)])
    assert raced and result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        "Error: a map with the slug 'raced' already exists; choose another with --slug"]
    with app.app_context():
        titles = db.session().exec(select(Map.title).where(Map.slug == "raced")).all()
    assert titles == ["Rival"]


# Two people act on one fresh node at once, on two threads released together: one wins and
# the other gets a 409; never both, never a 500, and what was acknowledged is what is stored.
# Both halves of `make test` run each, so the table is race x database.
RACES = {
    "edit vs delete": (60, ("edit", "eunji", "edit", {"text": "Edited {i}."}),
                       ("delete", "olivia", "delete", {})),
    "edit vs edit": (20, ("edit", "eunji", "edit", {"text": "Eun-ji's {i}."}),
                     ("other edit", "olivia", "edit", {"text": "Olivia's {i}."})),
    "delete vs delete": (20, ("delete", "eunji", "delete", {}),
                         ("other delete", "olivia", "delete", {})),
}


def _send(gate, replies, name, client, token, path, data):
    gate.wait()
    try:
        replies[name] = client.post(path, data={"csrf_token": token, **data})
    except Exception as exc:  # noqa: BLE001  (reported by the test, with the race's number)
        replies[name] = exc


@pytest.mark.parametrize("race", RACES)
def test_racing_changes_give_one_success_and_one_conflict(app, two, race):
    olivia, eunji = two
    people = {"olivia": (olivia, csrf(olivia)), "eunji": (eunji, csrf(eunji))}
    rounds, *moves = RACES[race]
    for i in range(rounds):
        made = post(olivia, f"{MAP}/nodes", {"kind": "claim", "text": f"Race {i}."})
        key = re.search(r"node=([a-z0-9-]+)", made.headers["Location"]).group(1)
        gate, replies = threading.Barrier(2, timeout=60), {}
        threads = []
        for name, who, action, fields in moves:
            client, token = people[who]
            data = {"version": "1", **{k: v.format(i=i) for k, v in fields.items()}}
            if action == "edit":
                data["kind"] = "claim"
            threads.append(threading.Thread(target=_send, args=(
                gate, replies, name, client, token, f"{MAP}/nodes/{key}/{action}", data)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), i
        errors = {name: r for name, r in replies.items() if isinstance(r, BaseException)}
        assert not errors, (i, errors)  # under TESTING a 500 is raised, not answered
        codes = {name: reply.status_code for name, reply in replies.items()}
        assert sorted(codes.values()) == [303, 409], (i, codes)
        winner = next(move for move in moves if codes[move[0]] == 303)
        with app.app_context():
            session = db.session()
            found = get_map(session, slug="seminar")
            left = session.exec(select(Node).where(Node.map_id == found.id,
                                                   Node.key == key)).first()
        if winner[2] == "edit":  # an acknowledged edit is never lost
            assert left is not None and left.text == winner[3]["text"].format(i=i), i
        else:
            assert left is None, i


def test_a_username_taken_meanwhile_is_taken_not_a_500(app, client, request):
    """Another sign-up commits the same name between this one's check and its insert."""
    if request.config.getoption("db") != "postgresql":
        pytest.skip("SQLite holds the write lock from the attempt's count on, so no other "
                    "sign-up can commit between the check and the insert")
    with rival_commits(app.extensions["argmap.engine"], "user", dict(
            username="olivia", display_name="Rival", password_hash="x", is_guest=False,
            created_at=utcnow())) as raced:
        reply = post(client, "/signup", {"username": "olivia", "display_name": "Olivia",
                                         "password": "correct horse 1"})
    assert raced and reply.status_code == 422, reply.status_code
    assert "this username is taken" in reply.get_data(as_text=True)
    with app.app_context():
        names = db.session().exec(select(User.display_name)).all()
    assert names == ["Rival"]


def test_an_unknown_username_costs_a_hash_too(client, app):
    """Enumeration by timing: a wrong password for a real name and any password for an
    unknown name cost the same hash. Measured in CPU time of this thread (the test client
    runs the app in it; not wall time, which a busy machine stretches, nor the process's,
    which other threads add to), with a slow hash so the difference is plain."""
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:200000"
    sign_up(client, "olivia")
    client.post("/logout", data={"csrf_token": csrf(client)})

    def cpu(username: str) -> float:
        start = time.thread_time()
        assert post(client, "/login", {"username": username,
                                       "password": "wrong horse 1"}).status_code == 422
        return time.thread_time() - start

    cpu("someone-else")  # the first unknown name also makes the stand-in hash, once
    known, unknown = [], []
    for _ in range(3):  # interleaved, so that a busier moment weighs on both
        known.append(cpu("olivia"))
        unknown.append(cpu("nobody-here"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.6 < ratio < 1.6, (known, unknown)


@pytest.mark.parametrize("name, text", [
    ("deep.argdown", "===\nz: " + "[" * 1200 + "]" * 1200 + "\n===\n\n[T]: A thesis.\n"),
    ("deep.yaml", "format: argmap-map/2\nz: " + "[" * 1200 + "]" * 1200 + "\n"),
])
def test_deeply_nested_yaml_is_refused_in_one_line(tmp_path, name, text):
    """A few KB of brackets would exhaust Python's stack (a 500 before)."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(MapFileError, match="nested more than 200 levels deep") as caught:
        if name.endswith(".yaml"):
            load_map_file(path)
        else:
            read(text.encode(), name, "argdown")
    assert "\n" not in str(caught.value)
