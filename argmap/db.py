"""Engine and sessions: one engine per app, one session per request (closed on teardown)."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

# Importing the modules registers their tables on SQLModel.metadata.
from argmap import access, accounts, history, models, ratings  # noqa: F401


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite leaves foreign keys off unless every connection asks for them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask) -> None:
    app.extensions["argmap.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    return current_app.extensions["argmap.engine"]


def session() -> Session:
    """The session of the current request or CLI command."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def create_schema(bind: Engine) -> None:
    """Create or upgrade the schema through the migrations (argmap/migrations)."""
    from argmap.schema import upgrade
    upgrade(bind)


@contextmanager
def snapshot(db_session: Session) -> Iterator[Session]:
    """Several reads that see one state of the database, even while other processes commit.

    SQLite's driver runs each SELECT outside a transaction, so without this a map read in
    four queries could mix two states (a relation to a node the first query did not see).
    A read transaction (BEGIN ... COMMIT) pins one snapshot; inside a write transaction the
    reads are consistent already.
    """
    connection = db_session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name != "sqlite" or raw.in_transaction:
        yield db_session
        return
    raw.execute("BEGIN")
    try:
        yield db_session
    finally:
        raw.execute("COMMIT")


@contextmanager
def transaction(db_session: Session) -> Iterator[Session]:
    """Run a change as one transaction: commit it whole, or roll it back whole."""
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
