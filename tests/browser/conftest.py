"""Browser tests: Playwright drives Debian's chromium (through executable_path) against real
`argmap serve` processes on free ports, sharing one database like several workers would."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.postgres import free_port

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("ARGMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root and without network: no sandbox, and no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


class Server:
    """One `argmap serve` process; several of them on one instance act like workers."""

    def __init__(self, instance: Path, database_url: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ARGMAP_INSTANCE": str(instance), "DATABASE_URL": database_url}
        self.log = open(instance / f"serve-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "argmap.cli", "serve", "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"argmap serve did not start: "
                                       f"{Path(self.log.name).read_text()}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def instance(tmp_path):
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def server_database(databases, instance) -> str:
    return databases.new(instance, "argmap")


@pytest.fixture
def server(instance, server_database):
    srv = Server(instance, server_database)
    yield srv
    srv.stop()


@pytest.fixture
def second_server(instance, server_database, server):
    """Another process on the same database, as a second worker would be."""
    srv = Server(instance, server_database)
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


@pytest.fixture
def page(browser):
    yield from _watched_page(browser, 1400)


@pytest.fixture
def other_page(browser):
    yield from _watched_page(browser, 1100)


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
