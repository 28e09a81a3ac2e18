"""drawing budget: seconds of `dot` per requester and per map's visitors

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drawingspend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drawingspend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drawingspend_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_drawingspend_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("drawingspend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drawingspend_key"))
        batch_op.drop_index(batch_op.f("ix_drawingspend_at"))
    op.drop_table("drawingspend")
