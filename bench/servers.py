"""The servers the load figures run against: gunicorn with two workers, on SQLite or on a
throwaway PostgreSQL server (the one the tests use)."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.databases import PostgresDatabases  # noqa: E402
from tests.postgres import Cluster, free_port  # noqa: E402

WORKERS = 2


@contextmanager
def gunicorn(folder: Path, database_url: str, app: str = "argmap:create_app()"
             ) -> Iterator[str]:
    """`argmap serve --workers 2` (or gunicorn on `app`) on a loopback port; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARGMAP_INSTANCE": str(folder), "DATABASE_URL": database_url,
           "PYTHONPATH": str(Path(__file__).resolve().parent)}
    if app == "argmap:create_app()":
        command = ["-m", "argmap.cli", "serve", "--workers", str(WORKERS), "--port", str(port)]
    else:  # a benchmark's own app: the schema and seeds come from `argmap init` first
        subprocess.run([sys.executable, "-m", "argmap.cli", "init"], env=env, check=True,
                       capture_output=True)
        command = ["-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                   app]
    log = open(folder / f"server-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, *command], env=env, stdout=subprocess.DEVNULL,
                              stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log.name}") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


@contextmanager
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server (tests/postgres.py), removed afterwards."""
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


def create_database(cluster: Cluster, name: str) -> str:
    """An empty database on `cluster` (kept until the cluster stops)."""
    provider = PostgresDatabases(cluster)
    try:
        return provider.new(Path(), name)
    finally:
        provider.close()
