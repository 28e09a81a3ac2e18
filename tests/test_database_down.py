"""While the database can't be reached, pages, writes and polls answer 503 with argmap's
"try again" page (not a bare 500), the session's user included; once it is back, the same
app serves again without a restart, and the refused write left nothing behind (issue 14.14).
"""

import re
import shutil

import pytest
from sqlalchemy import text

from argmap import db
from tests.helpers import csrf, fork_seed, post, sign_up

MESSAGE = "reach its database just now"


def answers_while_down(client, fork: str, token: str) -> None:
    for path in ("/", fork, f"{fork}?view=outline", "/maps/treaty-alliance"):
        reply = client.get(path)
        assert reply.status_code == 503, (path, reply.status_code)
        assert MESSAGE in reply.get_data(as_text=True)
        assert reply.headers["Retry-After"] == "5"
    poll = client.get(f"{fork}/revision?rev=0", headers={"HX-Request": "true",
                                                          "HX-Target": "poller"})
    assert poll.status_code == 503 and "<html" not in poll.get_data(as_text=True)
    write = client.post(f"{fork}/nodes/thesis/arguments", headers={"X-CSRF-Token": token},
                        data={"form": "reason", "text": "Written during the outage."})
    assert write.status_code == 503 and MESSAGE in write.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503


def answers_again(app, client, fork: str) -> None:
    assert client.get("/healthz").status_code == 200
    page = client.get(fork)
    assert page.status_code == 200 and "Signed in as" in page.get_data(as_text=True)
    assert post(client, f"{fork}/nodes/thesis/arguments",
                {"form": "reason", "text": "Written after it."}).status_code in (200, 303)
    with app.app_context():
        texts = db.session().execute(text("SELECT text FROM node WHERE text LIKE 'Written%'")
                                     ).scalars().all()
    assert texts == ["Written after it."]


@pytest.fixture
def editor(app, client):
    sign_up(client, "dana")
    fork = fork_seed(client, "Outage")
    client.get(fork)
    return fork, csrf(client)


def test_sqlite_file_unreachable_then_back(app, client, editor, tmp_path, request):
    if request.config.getoption("db") == "postgresql":
        pytest.skip("the SQLite half: a file that can't be opened")
    fork, token = editor
    path = re.sub(r"^sqlite:///", "", app.config["DATABASE_URL"])
    folder = tmp_path / "volume"
    folder.mkdir()
    app.extensions["argmap.engine"].dispose()  # the last connection closed: WAL checkpointed
    shutil.copy(path, folder / "argmap.sqlite3")
    app.extensions["argmap.engine"] = db.make_engine(f"sqlite:///{folder}/argmap.sqlite3")
    assert client.get(fork).status_code == 200

    app.extensions["argmap.engine"].dispose()  # the volume goes: no open file handles it
    folder.rename(tmp_path / "gone")
    try:
        answers_while_down(client, fork, token)
    finally:
        (tmp_path / "gone").rename(folder)
    answers_again(app, client, fork)


def test_postgresql_server_down_then_back(app, client, editor, request):
    if request.config.getoption("db") != "postgresql":
        pytest.skip("needs the PostgreSQL run (pytest --db=postgresql)")
    cluster = request.getfixturevalue("postgres_cluster")
    fork, token = editor
    cluster.pause()
    try:
        answers_while_down(client, fork, token)
    finally:
        cluster.resume()
    answers_again(app, client, fork)
