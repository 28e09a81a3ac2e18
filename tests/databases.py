"""Fresh databases for tests, on SQLite (files) or on PostgreSQL (one database per use).

`pytest` runs on SQLite; `pytest --db=postgresql` runs the same tests on a throwaway
PostgreSQL server (tests/postgres.py). Tests ask this module for URLs instead of building
`sqlite:///` paths, so the same test exercises whichever database the run is for.
"""

import itertools
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.postgres import Cluster


class SqliteDatabases:
    def new(self, folder: Path, name: str = "argmap") -> str:
        """The URL of an empty database (a file that does not exist yet)."""
        return f"sqlite:///{folder / f'{name}.sqlite3'}"

    def copy(self, url: str, folder: Path, name: str) -> str:
        """A copy of a database whose engines are all disposed."""
        target = folder / f"{name}.sqlite3"
        shutil.copyfile(make_url(url).database, target)
        return f"sqlite:///{target}"

    def drop_all(self) -> None:
        """Files go with the test's temporary folder."""

    def keep(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresDatabases:
    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.numbers = itertools.count(1)
        self.created: list[str] = []
        # AUTOCOMMIT: CREATE and DROP DATABASE cannot run inside a transaction.
        self.admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT",
                                   pool_pre_ping=True)

    def _create(self, name: str, template: str | None = None) -> str:
        database = f"{name.lower().replace('-', '_')[:40]}_{next(self.numbers)}"
        # FILE_COPY copies the template's files: for small databases about twice as fast as
        # the WAL_LOG default, and a database made so is dropped several times faster.
        clause = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"{clause}'))
        self.created.append(database)
        return self.cluster.url(database)

    def new(self, folder: Path, name: str = "argmap") -> str:
        return self._create(name)

    def copy(self, url: str, folder: Path, name: str) -> str:
        return self._create(name, template=make_url(url).database)

    def drop_all(self) -> None:
        """Drop the databases made since the last call (FORCE ends stray connections)."""
        with self.admin.connect() as conn:
            while self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.created.pop()}" '
                                  "WITH (FORCE)"))

    def keep(self, url: str) -> None:
        """Keep a database past drop_all (a session-wide template)."""
        self.created.remove(make_url(url).database)

    def close(self) -> None:
        self.admin.dispose()
