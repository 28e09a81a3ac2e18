import pytest

from argmap import create_app, db, paths
from argmap.cli import initialise
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.postgres import Cluster, ClusterError


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database every test runs on (postgresql starts its own server)")


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


def make_app(tmp_path, url, **config):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "RENDER_CACHE_DIR": str(tmp_path / "render-cache"),
        "SEEDS_DIR": str(paths.SEEDS),
        **config,
    })


@pytest.fixture(scope="session")
def seeded_url(databases, tmp_path_factory):
    """A database with the seed maps loaded, built once and copied for each test."""
    folder = tmp_path_factory.mktemp("seeded")
    url = databases.new(folder, "seeded")
    with pytest.MonkeyPatch.context() as patch:  # its instance folder too stays in tmp
        patch.setenv("ARGMAP_INSTANCE", str(folder / "instance"))
        app = make_app(folder, url)
        with app.app_context():
            initialise(app.config["SEEDS_DIR"])
            db.close_session()
        app.extensions["argmap.engine"].dispose()
    databases.keep(url)
    return url


@pytest.fixture
def database_url(databases, seeded_url, tmp_path):
    """This test's own copy of the seeded database."""
    return databases.copy(seeded_url, tmp_path, "argmap")


@pytest.fixture
def app(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path / "instance"))
    app = make_app(tmp_path, database_url)
    yield app
    app.extensions["argmap.engine"].dispose()


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
