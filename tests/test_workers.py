"""Two gunicorn workers serve one map coherently: sessions, CSRF tokens and edits made through
whichever worker answers are seen by both (no state lives in one process)."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from tests.browser.conftest import free_port


def test_two_workers_share_sessions_and_edits(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARGMAP_INSTANCE": str(tmp_path / "instance")}
    server = subprocess.Popen([sys.executable, "-m", "argmap.cli", "serve", "--workers", "2",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        workers = set()
        deadline = time.monotonic() + 30
        while len(workers) < 2:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as reply:
                    workers.add(json.load(reply)["worker"])
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        def page(path: str) -> str:
            with opener.open(url + path, timeout=30) as reply:
                return reply.read().decode()

        def form(path: str, values: dict) -> str:
            token = re.search(r'name="csrf_token" value="([^"]+)"', page("/")).group(1)
            data = urllib.parse.urlencode({**values, "csrf_token": token}).encode()
            with opener.open(url + path, data=data, timeout=60) as reply:
                return reply.read().decode()

        form("/signup", {"username": "olivia", "display_name": "Olivia",
                         "password": "correct horse 1"})
        form("/maps/treaty-alliance/fork", {"title": "Workers"})
        form("/maps/workers/nodes/thesis/arguments",
             {"form": "rebuttal", "text": "Seen by every worker."})
        for _ in range(12):  # each request may land on either worker
            outline = page("/maps/workers?view=outline")
            assert "Seen by every worker." in outline and "Signed in as" in outline
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_concurrent_editors_lose_nothing(tmp_path):
    """Eight sessions add nodes at once through two workers: every addition is acknowledged
    and stored (no duplicate keys, no half-read maps, no errors)."""
    import sqlite3
    import threading

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARGMAP_INSTANCE": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "argmap.cli", "serve", "--workers", "2",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        def session():
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

            def post(path, values):
                with opener.open(url + "/login", timeout=60) as reply:
                    token = re.search(r'name="csrf_token" value="([^"]+)"',
                                      reply.read().decode()).group(1)
                data = urllib.parse.urlencode({**values, "csrf_token": token}).encode()
                with opener.open(url + path, data=data, timeout=60) as reply:
                    return reply.status
            return post

        owner = session()
        owner("/signup", {"username": "olivia", "display_name": "Olivia",
                          "password": "correct horse 1"})
        owner("/maps/treaty-alliance/fork", {"title": "Busy"})
        done, failures = [], []

        def editor(number):
            post = session()
            post("/login", {"username": "olivia", "password": "correct horse 1"})
            for i in range(4):
                text = f"Editor {number} point {i}."
                try:
                    post("/maps/busy/nodes/thesis/arguments", {"form": "reason", "text": text})
                    done.append(text)
                except OSError as exc:
                    failures.append(repr(exc))

        threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert failures == []
    stored = {row[0] for row in sqlite3.connect(tmp_path / "argmap.sqlite3").execute(
        "SELECT text FROM node WHERE text LIKE 'Editor %'")}
    assert len(done) == 32 and set(done) == stored
