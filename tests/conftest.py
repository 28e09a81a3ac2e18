import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlmodel import Session

from argmap import create_app, db, paths
from argmap.cli import initialise
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.helpers import fork_seed, post, sign_up
from tests.postgres import Cluster, ClusterError, free_port

# A hash is meant to be slow; the tests make hundreds. Servers they start inherit this.
os.environ["ARGMAP_PASSWORD_HASH"] = "pbkdf2:sha256:1000"


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database every test runs on (postgresql starts its own server)")


def _needs_database(item) -> bool:
    """Whether the test reaches the run's database (the `databases` fixture), directly or
    through other fixtures; the autouse clean-up fixture does not count."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    todo = [name for name in info.initialnames if name != "_drop_test_databases"]
    seen = set()
    while todo:
        name = todo.pop()
        if name == "databases":
            return True
        if name in seen:
            continue
        seen.add(name)
        for definition in info.name2fixturedefs.get(name, ()):
            todo.extend(definition.argnames)
    return False


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run repeats only the tests that touch the database; the others (the
    evaluation, the renderer, the readers) gave their answer in the SQLite run."""
    if config.getoption("db") != "postgresql":
        return
    keep = [item for item in items if _needs_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep


def pytest_report_header(config):
    return f"argmap database: {config.getoption('db')}"


@pytest.fixture(scope="session")
def postgres_cluster(request):
    """The run's PostgreSQL server; a run asked for PostgreSQL fails when it can't start one."""
    if request.config.getoption("db") != "postgresql":
        pytest.skip("needs the PostgreSQL run (pytest --db=postgresql)")
    try:
        cluster = Cluster().start()
    except (ClusterError, OSError) as exc:
        pytest.exit(f"the PostgreSQL run cannot start a server: {exc}", returncode=3)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def databases(request):
    if request.config.getoption("db") == "postgresql":
        provider = PostgresDatabases(request.getfixturevalue("postgres_cluster"))
    else:
        provider = SqliteDatabases()
    yield provider
    provider.close()


@pytest.fixture(autouse=True)
def _drop_test_databases(databases):
    yield
    databases.drop_all()


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory) -> str:
    """Templates compiled once for the run, not once per test's app."""
    return str(tmp_path_factory.mktemp("jinja"))


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory) -> str:
    """One render cache for the run: its keys are the drawings themselves (render.Drawing),
    so tests share a file only when it is the same drawing."""
    return str(tmp_path_factory.mktemp("render-cache"))


def make_app(tmp_path, url, **config):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "RENDER_CACHE_DIR": str(tmp_path / "render-cache"),
        "SEEDS_DIR": str(paths.SEEDS),
        # A busy test machine draws and imports slowly, and every test client is one address:
        # the tests of the time limits and of the drawing budget set their own.
        "RENDER_TIMEOUT": 120.0, "IMPORT_TIMEOUT": 120.0,
        "READER_DRAWING_SECONDS": 1e6, "MAP_READERS_DRAWING_SECONDS": 1e6,
        **config,
    })


@pytest.fixture(scope="session")
def seeded_url(databases, tmp_path_factory, template_cache):
    """A database with the seed maps loaded, built once and copied for each test."""
    folder = tmp_path_factory.mktemp("seeded")
    url = databases.new(folder, "seeded")
    with pytest.MonkeyPatch.context() as patch:  # its instance folder too stays in tmp
        patch.setenv("ARGMAP_INSTANCE", str(folder / "instance"))
        app = make_app(folder, url, JINJA_BYTECODE_CACHE_DIR=template_cache)
        with app.app_context():
            initialise(app.config["SEEDS_DIR"])
            db.close_session()
        app.extensions["argmap.engine"].dispose()
    databases.keep(url)
    return url


@pytest.fixture(scope="session")
def prepare_database(databases, seeded_url, tmp_path_factory):
    """`prepare(build)`: the seeded database plus what `build(session)` stores in one
    transaction, made once. A module whose tests all start from the same big map builds it
    once this way and overrides `database_url` to copy it (or to read it as it is)."""
    def prepare(build) -> str:
        url = databases.copy(seeded_url, tmp_path_factory.mktemp("prepared"), "prepared")
        databases.keep(url)
        engine = db.make_engine(url)
        try:
            with Session(engine) as session, db.transaction(session):
                build(session)
        finally:
            engine.dispose()
        return url
    return prepare


@pytest.fixture
def database_url(databases, seeded_url, tmp_path):
    """This test's own copy of the seeded database."""
    return databases.copy(seeded_url, tmp_path, "argmap")


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, template_cache, render_cache):
    """One app per test process. Building one costs about 50 ms (werkzeug compiles every
    route), so each test borrows this one, pointed at its own database (see `app`)."""
    folder = tmp_path_factory.mktemp("app")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGMAP_INSTANCE", str(folder / "instance"))
        app = make_app(folder, "sqlite://", JINJA_BYTECODE_CACHE_DIR=template_cache,
                       RENDER_CACHE_DIR=render_cache)
    app.extensions["argmap.engine"].dispose()
    return app


@pytest.fixture
def app(shared_app, tmp_path, monkeypatch, database_url):
    """The app on this test's own database. What a test changes in its config is undone
    afterwards; all other state lives in the database, as in production."""
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path / "instance"))
    config = dict(shared_app.config)
    shared_app.config["DATABASE_URL"] = database_url
    shared_app.extensions["argmap.engine"] = db.make_engine(database_url)
    yield shared_app
    shared_app.extensions["argmap.engine"].dispose()
    shared_app.config.clear()
    shared_app.config.update(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session()


@pytest.fixture
def two(app):
    """Olivia owns a fork; Eun-ji is an editor on it; each has a session of their own."""
    olivia, eunji = app.test_client(), app.test_client()
    sign_up(eunji, "eunji", "Eun-ji Lee")
    sign_up(olivia, "olivia", "Olivia Kim")
    fork_seed(olivia)
    invite = post(olivia, "/maps/seminar/sharing/invites", {"role": "editor", "days": ""})
    link = re.search(r'value="(http[^"]+/join/[^"]+)"', invite.get_data(as_text=True)).group(1)
    assert post(eunji, link.split("localhost")[1], {"as": "account"}).status_code == 303
    return olivia, eunji


@pytest.fixture
def server_database(databases, tmp_path) -> str:
    return databases.new(tmp_path, "argmap")


@pytest.fixture
def gunicorn(tmp_path, server_database):
    """`argmap serve --workers 2` on a free port; yields its URL once both workers answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARGMAP_INSTANCE": str(tmp_path), "DATABASE_URL": server_database}
    server = subprocess.Popen([sys.executable, "-m", "argmap.cli", "serve", "--workers", "2",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while len(workers) < 2:
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start both workers"
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as reply:
                    workers.add(json.load(reply)["worker"])
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        stop_group(server)


def stop_group(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM to the process's group (it was started in a session of its own), then SIGKILL
    if it has not exited within `grace` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except ProcessLookupError:  # the group is gone already
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
