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
    """A session whose reads all see one state of the database, while others commit.

    A map is read in four queries; without one snapshot they could mix two states (a
    relation to a node the first query did not see). Inside a write transaction the reads
    are consistent already: the writer holds the map's lock (see maps.bump_revision).
    - SQLite's driver runs each SELECT outside a transaction: a BEGIN ... COMMIT pins one.
    - PostgreSQL's READ COMMITTED gives each statement its own snapshot, and a transaction's
      isolation can't change once it has begun. A transaction that has written nothing is
      ended (there is nothing to commit) and the reads run in a new REPEATABLE READ one, so
      a request never holds two connections from the pool at once.
    """
    db_session.flush()
    connection = db_session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        assert raw is not None  # a checked-out connection has its driver connection
        if raw.in_transaction:
            yield db_session
            return
        raw.execute("BEGIN")
        try:
            yield db_session
        finally:
            raw.execute("COMMIT")
    elif connection.dialect.name == "postgresql":
        wrote = connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()").scalar()
        if wrote is not None:
            yield db_session
            return
        db_session.commit()
        db_session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield db_session
        finally:
            db_session.commit()
    else:
        yield db_session


@contextmanager
def transaction(db_session: Session) -> Iterator[Session]:
    """Run a change as one transaction: commit it whole, or roll it back whole."""
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
