"""Alembic environment: runs on the connection argmap hands over (see argmap/schema.py)."""

from alembic import context
from sqlmodel import SQLModel

from argmap import db  # noqa: F401  (imports every table onto SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=True,  # SQLite alters tables by copying them
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
