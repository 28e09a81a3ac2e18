"""reconstructed premises and citation notes: node.origin may be 'reconstruction', and a
source may carry a note on what its citation could not confirm

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:40:00

SQLite changes a CHECK constraint by copying the table, which needs its foreign keys off
while the copy is swapped in (as in 0002): otherwise dropping the old node table would
cascade to every premise and relation.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WITH = "origin IN ('document', 'editor', 'reconstruction')"
WITHOUT = "origin IN ('document', 'editor')"


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys() -> None:
    if op.get_bind().dialect.name == "sqlite":
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration would break foreign keys: {broken[:5]}")


def _origins(check: str) -> None:
    _foreign_keys(False)
    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.drop_constraint('node_origin', type_='check')
        batch_op.create_check_constraint('node_origin', check)
    _check_foreign_keys()
    _foreign_keys(True)


def upgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=True))
    _origins(WITH)


def downgrade() -> None:
    op.execute("UPDATE node SET origin = 'editor' WHERE origin = 'reconstruction'")
    _origins(WITHOUT)
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('note')
