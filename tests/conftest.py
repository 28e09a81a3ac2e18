import pytest

from argmap import create_app, db, paths
from argmap.cli import initialise


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path / "instance"))
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'argmap.sqlite3'}",
        "RENDER_CACHE_DIR": str(tmp_path / "render-cache"),
        "SEEDS_DIR": str(paths.SEEDS),
    })
    with app.app_context():
        initialise(app.config["SEEDS_DIR"])
        db.close_session()
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
