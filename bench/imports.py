"""P8: imports (run with `make bench`). CPU seconds, best of three, of reading the files that
issue 14 reported (they held a worker 45 s to over 150 s), and of a whole import at the
limits into SQLite: reading, checking and storing 10,000 statements and 10,000 relations.
"""

import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argmap import create_app, db  # noqa: E402
from argmap.domain.importing import import_file  # noqa: E402
from argmap.errors import MapFileError  # noqa: E402
from argmap.formats import Budget, read  # noqa: E402


def cpu(work, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def reading(raw: bytes, fmt: str) -> str:
    try:
        read(raw, "bench", fmt, Budget("bench", None))
        outcome = "imported"
    except MapFileError as exc:
        outcome = "refused: " + str(exc).split(": ", 1)[1][:40] + "..."

    def once():
        with contextlib.suppress(MapFileError):
            read(raw, "bench", fmt, Budget("bench", None))
    return f"{cpu(once):.3f} s ({outcome})"


def whole_import() -> str:
    nodes = [{"id": "t", "kind": "thesis", "text": "The thesis."}] + [
        {"id": f"n{i}", "kind": "claim", "text": f"Claim {i}."} for i in range(9_999)]
    relations = [{"kind": "support", "premises": [f"n{i}"], "to": "t" if i < 99 else
                  f"n{i % 99}"} for i in range(9_999)]
    raw = json.dumps({"format": "argmap", "version": 2, "map": {"title": "Bench"},
                      "nodes": nodes, "relations": relations}).encode()
    folder = tempfile.mkdtemp(prefix="argmap-bench-")
    os.environ["ARGMAP_INSTANCE"] = folder
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                      "RENDER_CACHE_DIR": f"{folder}/render-cache"})
    with app.app_context():
        db.create_schema(db.engine())
        session = db.session()

        def once():
            with db.transaction(session):
                import_file(session, raw=raw, name="bench.json", rename=True,
                            budget=Budget("bench.json", None))
        return f"{cpu(once):.2f} s ({len(raw) // 1024:,} KB)"


def rows() -> list[tuple[str, str, str]]:
    hangul = "".join(f"[{chr(0xAC00 + i)}{chr(0xAC00 + i // 7)}{chr(0xAC00 + i // 49)}]\n\n"
                     for i in range(1500))  # three syllables each: all slug to "node"
    aif = json.dumps({"nodes": [{"nodeID": i, "type": "I", "text": "a"} for i in range(40_000)],
                      "edges": []})
    cases = [("an Argdown line of 1,500 dashes", "[T]: t\n\n" + "-" * 1500 + "x\n",
              "argdown"),
             ("1,500 Hangul titles", hangul, "argdown"),
             ("40,000 statements", "".join(f"[S{i}]: s\n" for i in range(40_000)), "argdown"),
             ("10,000 statements (the limit)", "".join(f"[S{i}]: s\n" for i in range(10_000)),
              "argdown"),
             ("a 40,000-node AIF file", aif, "aif")]
    found = [("P8", f"read {what} ({len(text.encode()) / 1024:,.1f} KB)",
              reading(text.encode(), fmt)) for what, text, fmt in cases]
    found.append(("P8", "whole import, 10,000 statements + 10,000 relations, SQLite",
                  whole_import()))
    return found
