"""P5: 20 concurrent editors adding nodes for a fixed time through two gunicorn workers, on
SQLite and on PostgreSQL: p50 and p95 latency, and lost writes (acknowledged additions that
are missing afterwards; they must be 0)."""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import create_database, gunicorn, postgres  # noqa: E402

from tests.test_workers import Visitor  # noqa: E402  (one browser-like session)

EDITORS, SECONDS = 20, 10


def load(url: str) -> tuple[list[float], list[str], list[str]]:
    """Latencies, acknowledged texts and errors of EDITORS sessions adding for SECONDS."""
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
            added = f"Editor {number} point {count}."
            started = time.perf_counter()
            try:
                editor.form("/maps/load/nodes/thesis/arguments", {"form": "reason",
                                                                   "text": added})
            except OSError as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                acknowledged.append(added)  # urllib raises on any 4xx or 5xx
            count += 1

    threads = [threading.Thread(target=work, args=(i, e)) for i, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, acknowledged, errors


def measure(name: str, database_url: str) -> tuple[str, str, str]:
    folder = Path(tempfile.mkdtemp(prefix="argmap-editors-"))
    with gunicorn(folder, database_url) as url:
        latencies, acknowledged, errors = load(url)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = set(connection.execute(text(
            "SELECT text FROM node WHERE text LIKE 'Editor %'")).scalars())
    engine.dispose()
    lost = [t for t in acknowledged if t not in stored]
    cuts = statistics.quantiles(latencies, n=20)
    return ("P5", f"{EDITORS} editors x {SECONDS} s, 2 workers, {name}",
            f"{len(acknowledged)} additions, p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {cuts[18] * 1000:.0f} ms, lost writes {len(lost)}, errors {len(errors)}"
            + (f" (first: {errors[0]})" if errors else ""))


def rows() -> list[tuple[str, str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="argmap-editors-"))
    measured = [measure("SQLite", f"sqlite:///{folder / 'argmap.sqlite3'}")]
    with postgres() as cluster:
        measured.append(measure("PostgreSQL", create_database(cluster, "editors")))
    return measured


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
