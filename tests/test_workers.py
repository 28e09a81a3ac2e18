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
