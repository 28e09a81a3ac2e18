"""The database schema, managed by Alembic (argmap/migrations): upgrade it, and check that a
database is at the version this code expects before serving from it."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from argmap.errors import ArgmapError

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutOfDate(ArgmapError):
    pass


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None  # argmap/migrations holds at least one revision
    return revision


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it in an empty database)."""
    check_not_legacy(engine)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration for the model changes (for developers: `argmap db revision`)."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def check_not_legacy(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if tables and "alembic_version" not in tables:
        raise SchemaOutOfDate(
            f"the database at {engine.url.render_as_string(hide_password=True)} was created "
            "before argmap used migrations; export its maps (argmap export MAP --format json) "
            "into a new database, or delete it and run argmap init")


def check_current(engine: Engine) -> None:
    """Stop with a clear message when the database is not at this code's schema version."""
    check_not_legacy(engine)
    found, wanted = current(engine), head()
    if found != wanted:
        raise SchemaOutOfDate(
            f"the database schema is at {found or 'nothing (empty)'}, but this argmap needs "
            f"{wanted}: run `argmap db upgrade` first")
