"""Session helpers that know no tables: a consistent read (`snapshot`) and one transaction
(`transaction`). Kept apart from db.py, which imports every table, so that the domain
modules can use them without an import cycle."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

T = TypeVar("T")


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


def retrying(db_session: Session, work: Callable[[], T], *,
             when: Callable[[IntegrityError], bool], attempts: int = 5) -> T:
    """`work()` as one transaction, run again (up to `attempts` times) when it fails on a
    constraint that `when` says another request's commit can have broken meanwhile."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction(db_session):
                return work()
        except IntegrityError as exc:
            if attempt == attempts or not when(exc):
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


@contextmanager
def transaction(db_session: Session) -> Iterator[Session]:
    """Run a change as one transaction: commit it whole, or roll it back whole."""
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
