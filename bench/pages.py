"""Page and render figures (run with `make bench`): medians of several runs, and ratios, since
this machine is noisy.

P1  cold render path / `dot` alone on the same DOT, 1,000 nodes
P2  warm (cached) map page / cold map page, 1,000 nodes
P3  SQL statements per map page at 10 and at 5,000 nodes
P7  10,000-node map: time for the page to answer, and what the diagram area shows
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argmap import create_app, db  # noqa: E402
from argmap.cli import initialise  # noqa: E402
from argmap.domain.maps import import_map  # noqa: E402
from argmap.mapdata import MapData, NodeData, RelationData  # noqa: E402
from argmap.render import ExportOptions, export  # noqa: E402
from argmap.render.pipeline import choose, view_dot  # noqa: E402
from argmap.render.run import dot_binary  # noqa: E402


def tree(slug: str, size: int) -> MapData:
    nodes = [NodeData(key="thesis", kind="thesis", text="The thesis of a generated map.")]
    relations = []
    for i in range(1, size):
        kind = ("claim", "rebuttal", "claim")[i % 3]
        nodes.append(NodeData(key=f"n{i}", kind=kind, text=f"Generated point number {i}."))
        parent = "thesis" if i < 12 else f"n{(i - 1) // 6}"
        relations.append(RelationData(kind="attack" if kind == "rebuttal" else "support",
                                      premises=(f"n{i}",), target=parent))
    return MapData(slug=slug, title=slug, nodes=tuple(nodes), relations=tuple(relations))


def median_time(work, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rows() -> list[tuple[str, str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="argmap-bench-"))
    os.environ["ARGMAP_INSTANCE"] = str(folder / "instance")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "RENDER_CACHE_DIR": str(folder / "cache"), "RENDER_NODE_LIMIT": 20_000,
                      "RENDER_TIMEOUT": 600})
    with app.app_context():
        initialise(app.config["SEEDS_DIR"])
        session = db.session()
        with db.transaction(session):
            for slug, size in (("m10", 10), ("m1000", 1000), ("m5000", 5000),
                               ("m10000", 10000)):
                import_map(session, data=tree(slug, size)).visibility = "public"
        db.close_session()
    client = app.test_client()
    rows = []

    # P1: the cold render path against dot alone, on the same DOT
    data = tree("p1", 1000)
    options = ExportOptions()
    source = view_dot(choose(data, options), options)
    dot_alone = median_time(lambda: subprocess.run([dot_binary(), "-Tsvg"], input=source.encode(),
                                                   capture_output=True, check=True), 3)
    ours = median_time(lambda: export(data, options, "svg", timeout=600), 3)
    rows.append(("P1", "cold render / dot alone, 1,000 nodes",
                 f"{ours / dot_alone:.2f}x ({ours:.2f} s / {dot_alone:.2f} s)"))

    # P2: warm page / cold page (the first request draws the diagram; later ones reuse it)
    def cold():
        app.config["RENDER_CACHE_DIR"] = tempfile.mkdtemp(dir=folder)
        client.get("/maps/m1000?draw=now")
    cold_time = median_time(cold, 3)
    client.get("/maps/m1000?draw=now")
    warm_time = median_time(lambda: client.get("/maps/m1000?draw=now"), 5)
    rows.append(("P2", "warm / cold map page, 1,000 nodes",
                 f"{warm_time / cold_time:.3f} ({warm_time:.3f} s / {cold_time:.2f} s)"))

    # P3: SQL statements per map page
    engine = app.extensions["argmap.engine"]
    counts = {}
    for slug in ("m10", "m5000"):
        seen = []
        listener = lambda *args, seen=seen: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        client.get(f"/maps/{slug}")
        event.remove(engine, "before_cursor_execute", listener)
        counts[slug] = len(seen)
    rows.append(("P3", "SQL statements per map page, 10 / 5,000 nodes",
                 f"{counts['m10']} / {counts['m5000']}"))

    # P7: a 10,000-node map page answers without waiting for dot
    app.config["RENDER_NODE_LIMIT"] = 600
    page_time = median_time(lambda: client.get("/maps/m10000"), 3)
    shows = "a message suggesting a focused view (over the node limit, never drawn whole)"
    rows.append(("P7", "10,000-node map page: time to answer", f"{page_time:.2f} s; the "
                 f"diagram area shows {shows}"))
    started = time.perf_counter()
    client.get("/maps/m10000/export.svg?focus=n7&depth=2")  # cold: drawn now
    focused = time.perf_counter() - started
    rows.append(("P7", "10,000-node map: focused diagram (depth 2), cold",
                 f"{focused:.2f} s"))

    return rows


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
