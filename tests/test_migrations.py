"""Migrations: a fresh database is built by them, they match the models (autogenerate finds
nothing to do), and serving from an out-of-date database stops with a clear message."""

import hashlib

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect
from sqlmodel import Session, SQLModel, select

from argmap import db, schema
from argmap.cli import main
from argmap.domain.maps import get_map, load_map_data
from argmap.models import Membership, User


def test_migrations_match_the_models(tmp_path, databases):
    engine = create_engine(databases.new(tmp_path, "fresh"))
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "render_as_batch": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    tables = set(inspect(engine).get_table_names())
    assert {"map", "node", "relation", "source", "user", "membership", "invite", "change",
            "rating", "loginattempt", "alembic_version"} <= tables
    engine.dispose()


@pytest.fixture
def engine(tmp_path, monkeypatch, databases):
    """An empty database that the `argmap` commands below use."""
    url = databases.new(tmp_path, "cli")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ARGMAP_INSTANCE", str(tmp_path / "instance"))
    engine = create_engine(url)
    yield engine
    engine.dispose()


def test_upgrade_command_and_out_of_date_schema(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0000-older')")
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "the database schema is at 0000-older, but this argmap needs" in result.output
    assert "argmap db upgrade" in result.output
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM alembic_version")
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"-> {schema.head()}" in upgraded.output
    assert schema.current(engine) == schema.head()


def test_a_database_from_before_migrations_is_named(engine):
    SQLModel.metadata.create_all(engine)  # as argmap did before migrations
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 1 and "was created before argmap used migrations" in \
        result.output
    assert db  # the module is what registers the tables


OLD_ROWS = [  # a map in the 0001 layout: relations with one source each, and an undercut
    "INSERT INTO map (id, slug, title, description, revision, visibility, created_at, "
    "updated_at) VALUES (1, 'old', 'Old map', '', 3, 'private', '2026-01-01 00:00:00', "
    "'2026-01-01 00:00:00')",
    *(f"INSERT INTO node (id, map_id, key, kind, text, origin, version, created_at, updated_at)"
      f" VALUES ({i}, 1, '{key}', '{kind}', 'Text of {key}.', 'document', 1, "
      "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
      for i, (key, kind) in enumerate([("t", "thesis"), ("a", "claim"), ("r", "rebuttal"),
                                       ("u", "rebuttal")], start=1)),
    "INSERT INTO relation (id, map_id, kind, source_node_id, target_node_id, created_at) "
    "VALUES (1, 1, 'support', 2, 1, '2026-01-01 00:00:00')",
    "INSERT INTO relation (id, map_id, kind, source_node_id, target_node_id, created_at) "
    "VALUES (2, 1, 'attack', 3, 1, '2026-01-01 00:00:00')",
    "INSERT INTO relation (id, map_id, kind, source_node_id, target_relation_id, created_at) "
    "VALUES (3, 1, 'undercut', 4, 1, '2026-01-01 00:00:00')",
]


def test_linked_premises_migration_carries_every_map_over_unchanged(engine):
    with engine.begin() as connection:
        command.upgrade(schema._config(connection), "0001")
    with engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.exec_driver_sql(statement)
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()
    with Session(engine) as session:
        data = load_map_data(session, found=get_map(session, slug="old"))
    assert [(r.kind, r.premises, r.target) for r in data.relations] == [
        ("support", ("a",), "t"), ("attack", ("r",), "t"), ("undercut", ("u",), "a -> t")]
    assert data.revision == 3 and [n.key for n in data.nodes] == ["t", "a", "r", "u"]
    # The database still cascades: deleting the only premise removes the step and the
    # undercut on it, without the ORM.
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.exec_driver_sql("DELETE FROM node WHERE key = 'a'")
    with engine.connect() as connection:
        left = connection.exec_driver_sql("SELECT kind FROM relation ORDER BY id").all()
    assert left == [("attack",)]


def test_session_stamp_migration_keeps_members_and_current_sessions(engine):
    """0003 adds the stored session stamp without copying the user table (a copy would
    cascade to the memberships), and starts it at the stamp sessions already carry."""
    with engine.begin() as connection:
        command.upgrade(schema._config(connection), "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(OLD_ROWS[0])
        connection.exec_driver_sql(
            "INSERT INTO \"user\" (id, username, display_name, password_hash, is_guest, "
            "created_at) VALUES (7, 'olivia', 'Olivia', 'pbkdf2:sha256:1000$x$y', false, "
            "'2026-01-01 00:00:00')")
        connection.exec_driver_sql("INSERT INTO membership (map_id, user_id, role, created_at) "
                                   "VALUES (1, 7, 'owner', '2026-01-01 00:00:00')")
    schema.upgrade(engine)
    assert "session_stamp" in {c["name"] for c in inspect(engine).get_columns("user")}
    with Session(engine) as session:
        user = session.get(User, 7)
        assert user is not None and user.get_id() == "7:" + hashlib.sha256(
            b"pbkdf2:sha256:1000$x$y").hexdigest()[:16]  # as the old cookies have it
        assert session.exec(select(Membership.role)).all() == ["owner"]
    with engine.begin() as connection:
        command.downgrade(schema._config(connection), "0002")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM membership").scalar() == 1
        assert "session_stamp" not in {c["name"] for c in inspect(connection).get_columns(
            "user")}


def test_reconstruction_migration_keeps_every_step_and_allows_the_new_origin(engine):
    """0005 copies the node table to change its CHECK constraint (SQLite) with the foreign
    keys off, so no premise or step is lost; going back turns reconstructions into editors'
    nodes rather than refusing."""
    with engine.begin() as connection:
        command.upgrade(schema._config(connection), "0004")
    with engine.begin() as connection:
        connection.exec_driver_sql(OLD_ROWS[0])
        for i, key in enumerate(["t", "a", "b"], start=1):
            connection.exec_driver_sql(
                "INSERT INTO node (id, map_id, key, kind, text, origin, version, created_at, "
                f"updated_at) VALUES ({i}, 1, '{key}', 'claim', 'Text.', 'document', 1, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO relation (id, map_id, kind, target_node_id, created_at) "
            "VALUES (1, 1, 'support', 1, '2026-01-01 00:00:00')")
        for premise in (2, 3):
            connection.exec_driver_sql(
                "INSERT INTO premise (map_id, relation_id, node_id, target_node_id) "
                f"VALUES (1, 1, {premise}, 1)")
    schema.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE node SET origin = 'reconstruction' WHERE key = 'b'")
        connection.exec_driver_sql("INSERT INTO source (map_id, key, document, locator, note) "
                                   "VALUES (1, 's', 'Treaty', 'Art. 1', 'Not verified.')")
    with Session(engine) as session:
        data = load_map_data(session, found=get_map(session, slug="old"))
    assert [(r.kind, r.premises, r.target) for r in data.relations] == [
        ("support", ("a", "b"), "t")]
    assert data.nodes_by_key["b"].origin == "reconstruction"
    assert data.sources_by_key["s"].note == "Not verified."
    with engine.begin() as connection:
        command.downgrade(schema._config(connection), "0004")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT origin FROM node WHERE key = 'b'"
                                          ).scalar() == "editor"
        assert connection.exec_driver_sql("SELECT count(*) FROM premise").scalar() == 2
