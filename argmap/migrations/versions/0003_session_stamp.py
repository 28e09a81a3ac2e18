"""session stamp: a per-user stamp in every session cookie, changed at logout

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00

Sessions used to carry a stamp derived from the password hash, so logging out could not end
a copied cookie. Each user now has a stored stamp; it starts as that derived value, so
sessions begun before the upgrade go on until their next logout. A plain ADD COLUMN (with a
default for the rows already there): SQLite would otherwise copy the user table, and
dropping the old copy would cascade to every membership.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user', sa.Column('session_stamp', sa.String(length=32), nullable=False,
                                    server_default=''))
    bind = op.get_bind()
    users = sa.table('user', sa.column('id', sa.Integer()),
                     sa.column('password_hash', sa.String()),
                     sa.column('session_stamp', sa.String()))
    for user_id, password_hash in bind.execute(sa.select(users.c.id, users.c.password_hash)):
        stamp = hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
        bind.execute(users.update().where(users.c.id == user_id).values(session_stamp=stamp))


def downgrade() -> None:
    op.drop_column('user', 'session_stamp')  # natively: a batch copy would cascade too
