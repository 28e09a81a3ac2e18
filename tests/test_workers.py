"""Two gunicorn workers serve one map coherently: sessions, CSRF tokens and edits made through
whichever worker answers are seen by both (no state lives in one process). The `gunicorn`
fixture is in conftest.py."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import create_engine, text


class Visitor:
    """One browser session: its own cookies, forms posted with the page's CSRF token."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies))

    def copy(self) -> "Visitor":
        """Another browser holding this one's cookies as they are."""
        other = Visitor(self.url)
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        return other

    def page(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=60) as reply:
            return reply.read().decode()

    def form(self, path: str, values: dict) -> str:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.page("/login")).group(1)
        data = urllib.parse.urlencode({**values, "csrf_token": token}).encode()
        with self.opener.open(self.url + path, data=data, timeout=60) as reply:
            return reply.read().decode()


def owner_with_a_fork(url: str, title: str) -> Visitor:
    owner = Visitor(url)
    owner.form("/signup", {"username": "olivia", "display_name": "Olivia",
                           "password": "correct horse 1"})
    owner.form("/maps/treaty-alliance/fork", {"title": title})
    return owner


def test_two_workers_share_sessions_and_edits(gunicorn):
    owner = owner_with_a_fork(gunicorn, "Workers")
    owner.form("/maps/workers/nodes/thesis/arguments",
               {"form": "rebuttal", "text": "Seen by every worker."})
    for _ in range(12):  # each request may land on either worker
        outline = owner.page("/maps/workers?view=outline")
        assert "Seen by every worker." in outline and "Signed in as" in outline
    copied = owner.copy()
    assert "Signed in as" in copied.page("/")
    owner.form("/logout", {})
    for _ in range(6):  # logging out through one worker ends the cookie on both
        assert "Signed in as" not in copied.page("/")


def test_invites_and_login_limits_hold_across_workers(gunicorn):
    """An invite made through one worker admits through any; failed logins add up across
    workers to one limit."""
    owner = owner_with_a_fork(gunicorn, "Shared")
    page = owner.form("/maps/shared/sharing/invites", {"role": "editor", "days": ""})
    link = re.search(r"/join/[\w-]+", page).group(0)
    guest = Visitor(gunicorn)
    guest.form(link, {"as": "guest", "name": "Gus"})
    for _ in range(6):  # each request may land on either worker
        assert "Shared" in guest.page("/maps/shared?view=outline")
    statuses, waits = [], []
    for _ in range(7):  # within the first wait (15 s) of the fifth failure
        try:
            Visitor(gunicorn).form("/login", {"username": "olivia", "password": "wrong"})
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
            waits.append(exc.headers.get("Retry-After"))
    assert statuses == [422] * 5 + [429] * 2
    assert all(wait and 0 < int(wait) <= 15 for wait in waits[5:]), waits


def test_concurrent_editors_lose_nothing(gunicorn, server_database):
    """Eight sessions add nodes at once through two workers: every addition is acknowledged
    and stored (no duplicate keys, no half-read maps, no errors)."""
    owner_with_a_fork(gunicorn, "Busy")
    done, failures = [], []

    def editor(number):
        visitor = Visitor(gunicorn)
        visitor.form("/login", {"username": "olivia", "password": "correct horse 1"})
        for i in range(4):
            text = f"Editor {number} point {i}."
            try:
                visitor.form("/maps/busy/nodes/thesis/arguments",
                             {"form": "reason", "text": text})
                done.append(text)
            except OSError as exc:
                failures.append(repr(exc))

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    engine = create_engine(server_database)
    with engine.connect() as connection:
        stored = set(connection.execute(text(
            "SELECT text FROM node WHERE text LIKE 'Editor %'")).scalars())
    engine.dispose()
    assert len(done) == 32 and set(done) == stored


def test_the_pool_survives_a_database_restart(app, client, postgres_cluster):
    """Connections broken by a server restart are replaced (pre-ping), not served as errors."""
    assert client.get("/healthz").status_code == 200
    engine = app.extensions["argmap.engine"]
    assert engine.pool.checkedin() >= 1  # a pooled connection that the restart will break
    postgres_cluster.restart()
    for path in ("/healthz", "/maps/treaty-alliance", "/healthz"):
        reply = client.get(path)
        assert reply.status_code == 200, (path, reply.get_data(as_text=True)[:300])
