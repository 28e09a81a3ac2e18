"""P5: 20 concurrent editors adding nodes for a fixed time, through two gunicorn workers on
SQLite: p50 and p95 latency, and lost writes (acknowledged additions missing afterwards, which
must be 0). PostgreSQL is not measured yet."""

import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_workers import Visitor  # noqa: E402  (one browser-like session)

EDITORS, SECONDS = 20, 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="argmap-editors-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARGMAP_INSTANCE": str(folder)}
    server = subprocess.Popen([sys.executable, "-m", "argmap.cli", "serve", "--workers", "2",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(folder / "server.log", "w"),  # noqa: SIM115
                              start_new_session=True)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        owner = Visitor(url)
        owner.form("/signup", {"username": "owner", "display_name": "Owner",
                               "password": "correct horse 1"})
        owner.form("/maps/treaty-alliance/fork", {"title": "Load"})
        editors = []
        for _ in range(EDITORS):  # each editor has a session of their own
            editor = Visitor(url)
            editor.form("/login", {"username": "owner", "password": "correct horse 1"})
            editors.append(editor)
        latencies, acknowledged, errors = [], [], []
        lock = threading.Lock()
        stop = time.monotonic() + SECONDS

        def work(number: int, editor: Visitor):
            count = 0
            while time.monotonic() < stop:
                text = f"Editor {number} point {count}."
                started = time.perf_counter()
                try:
                    editor.form("/maps/load/nodes/thesis/arguments",
                                {"form": "reason", "text": text})
                except OSError as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    latencies.append(time.perf_counter() - started)
                    acknowledged.append(text)  # urllib raises on any 4xx or 5xx
                count += 1

        threads = [threading.Thread(target=work, args=(i, e)) for i, e in enumerate(editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = {row[0] for row in sqlite3.connect(folder / "argmap.sqlite3").execute(
        "SELECT text FROM node WHERE text LIKE 'Editor %'")}
    lost = [t for t in acknowledged if t not in stored]
    cuts = statistics.quantiles(latencies, n=20)
    print(f"(server log: {folder / 'server.log'})")
    print(f"P5  {EDITORS} editors x {SECONDS} s on SQLite, 2 workers: {len(acknowledged)} "
          f"additions, p50 {statistics.median(latencies) * 1000:.0f} ms, p95 "
          f"{cuts[18] * 1000:.0f} ms, lost writes {len(lost)}, errors {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
