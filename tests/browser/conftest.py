"""Browser tests: Playwright drives Debian's chromium (through executable_path) against the
real app on real sockets. Each test has its own copy of the seeded database (the `database_url`
fixture of tests/conftest.py) and its own instance folder. Its `server` is the app built as
`argmap serve` builds it, served by werkzeug's threaded server on a thread of the test process;
its `second_server`, when it has one, is a real `argmap serve` process on the same database and
instance, as a second worker would be."""

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from argmap import create_app
from tests.postgres import free_port

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("ARGMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root and without network: no sandbox, and no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


class Server:
    """The app served in this process on a free port: werkzeug's threaded server (the one
    `argmap serve` runs) on a daemon thread. The app is `argmap serve`'s: create_app with its
    defaults, the instance folder from ARGMAP_INSTANCE and the database from DATABASE_URL;
    only the compiled templates come from the run's cache. The database is already current
    and seeded, so there is nothing for serve's initialise to do."""

    def __init__(self, instance: Path, database_url: str, template_cache: str):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ARGMAP_INSTANCE", str(instance))
            patch.setenv("DATABASE_URL", database_url)
            self.app = create_app({"JINJA_BYTECODE_CACHE_DIR": template_cache})
        # Listening once made: requests wait in the socket's backlog until serve_forever runs.
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        # A short poll interval only makes shutdown() return sooner.
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()  # serve_forever returns and closes the listening socket
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the in-process server did not stop"
        self.app.extensions["argmap.engine"].dispose()


class ServeProcess:
    """One `argmap serve` process: another worker on the same database and instance. It is
    started at once and waited for when its `url` is first asked for, so that its start-up
    (the imports, serve's check of the schema and seeds) overlaps the test's other set-up."""

    def __init__(self, instance: Path, database_url: str):
        self.port = free_port()
        env = {**os.environ, "ARGMAP_INSTANCE": str(instance), "DATABASE_URL": database_url}
        self.log = open(instance / f"serve-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "argmap.cli", "serve", "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.answered = False

    @property
    def url(self) -> str:
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while not self.answered:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                self.answered = True
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"argmap serve did not start: "
                                       f"{Path(self.log.name).read_text()}") from None
                time.sleep(0.05)
        return url

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave a server behind
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def instance(tmp_path):
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def server(instance, database_url, template_cache):
    srv = Server(instance, database_url, template_cache)
    yield srv
    srv.stop()


@pytest.fixture
def second_server(instance, database_url, server):
    """Another process on the same database, as a second worker would be."""
    srv = ServeProcess(instance, database_url)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs "
                    "Debian's chromium) or set ARGMAP_CHROMIUM")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _watched_page(browser, width: int):
    """A page in its own context (its own cookies); any CSP violation fails the test."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: violations.append(f"script error: {error}"))
    yield page
    context.close()
    assert violations == []


# The pages ask for the server only to be closed before it stops: an open page keeps polling,
# and a request on a kept-alive connection would still reach an app whose server has stopped.
@pytest.fixture
def page(browser, server):
    yield from _watched_page(browser, 1400)


@pytest.fixture
def other_page(browser, server):
    yield from _watched_page(browser, 1100)


# Conditions, not sleeps: on a busy machine (CI runs two suites at once on two cores) the
# page's WebAssembly layout can take longer than Playwright's 5 s default.
expect.set_options(timeout=20_000)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


# The panel's message (the choosers' own live regions are not it).
PANEL_STATUS = "#panel [role=status]:not(.chooser-status)"


def axe_violations(page) -> list[str]:
    """What axe-core finds on the page as it stands: "rule: selector" for each. Evaluated
    through the debugging protocol, which the page's CSP does not govern."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate("""axe.run().then(result => result.violations.flatMap(v =>
        v.nodes.map(n => v.id + ': ' + n.target.join(' '))))""")


def sign_up(page, server, username: str, name: str) -> None:
    page.goto(server.url + "/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(server.url + "/")


def log_in(page, server, username: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + "/")


def fork_seed(page, server, title: str = "Seminar") -> str:
    """Fork the read-only seed map through the page; returns the fork's path."""
    page.goto(server.url + "/maps/treaty-alliance")
    page.get_by_text("Fork this map").click()
    page.get_by_label("Title of the copy").fill(title)
    page.get_by_role("button", name="Fork", exact=True).click()
    page.wait_for_url(lambda url: "/maps/seminar" in url)
    return "/maps/seminar"


def wait_until(page, condition, expected=True, timeout: float = 15.0):
    """Wait until `condition` gives `expected`: a script run in the page (wait_for_function
    would need eval, which the page's CSP forbids) or a Python callable (for what Playwright's
    events collected). Polls, pumping Playwright's events; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(condition) if isinstance(condition, str) else condition()
        if value == expected:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{condition} stayed {value!r}, expected {expected!r}")
        page.wait_for_timeout(50)
