"""linked premises: a step's premises move from relation.source_node_id into premise rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:50:38.233514

Every existing relation becomes a step with one premise (its old source), so every map
reads the same afterwards. Written by hand from autogenerate's draft: SQLite alters a table
by copying it, which needs its foreign keys off while the copies are swapped.
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys() -> None:
    if op.get_bind().dialect.name == "sqlite":
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration would break foreign keys: {broken[:5]}")


# A step never outlives its last premise: deleting a node deletes its premise rows (a foreign
# key cascade), and this deletes the step they leave empty (and, by cascade, its undercuts).
SQLITE_TRIGGER = """
CREATE TRIGGER premise_last_gone AFTER DELETE ON premise
WHEN NOT EXISTS (SELECT 1 FROM premise WHERE relation_id = OLD.relation_id)
BEGIN DELETE FROM relation WHERE id = OLD.relation_id; END
"""
POSTGRES_TRIGGER = ("""
CREATE FUNCTION premise_last_gone() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM premise WHERE relation_id = OLD.relation_id) THEN
    DELETE FROM relation WHERE id = OLD.relation_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
""", """
CREATE TRIGGER premise_last_gone AFTER DELETE ON premise
FOR EACH ROW EXECUTE FUNCTION premise_last_gone()
""")


def _create_trigger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_TRIGGER)
    else:
        for statement in POSTGRES_TRIGGER:
            op.execute(statement)


def _drop_trigger() -> None:
    op.execute("DROP TRIGGER IF EXISTS premise_last_gone"
               + ("" if op.get_bind().dialect.name == "sqlite" else " ON premise"))
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS premise_last_gone()")


def upgrade() -> None:
    _foreign_keys(False)
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.create_unique_constraint('relation_node_target', ['map_id', 'id', 'target_node_id'])
        batch_op.create_unique_constraint('relation_step_target', ['map_id', 'id', 'target_relation_id'])
    op.create_table('premise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('relation_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('target_node_id', sa.Integer(), nullable=True),
    sa.Column('target_relation_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(target_node_id IS NULL) <> (target_relation_id IS NULL)', name='premise_one_target'),
    sa.CheckConstraint('node_id <> target_node_id', name='premise_not_self'),
    sa.ForeignKeyConstraint(['map_id', 'node_id'], ['node.map_id', 'node.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['map_id', 'relation_id', 'target_node_id'], ['relation.map_id', 'relation.id', 'relation.target_node_id'], name='premise_same_node_target', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['map_id', 'relation_id', 'target_relation_id'], ['relation.map_id', 'relation.id', 'relation.target_relation_id'], name='premise_same_step_target', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['map_id', 'relation_id'], ['relation.map_id', 'relation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['map_id'], ['map.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('node_id', 'target_node_id', name='premise_unique_pair'),
    sa.UniqueConstraint('node_id', 'target_relation_id', name='premise_unique_undercut')
    )
    with op.batch_alter_table('premise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premise_map_id'), ['map_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_premise_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_premise_relation_id'), ['relation_id'], unique=False)
    op.execute("INSERT INTO premise (map_id, relation_id, node_id, target_node_id, "
               "target_relation_id) SELECT map_id, id, source_node_id, target_node_id, "
               "target_relation_id FROM relation ORDER BY id")

    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relation_source_node_id'))
        batch_op.drop_constraint('relation_unique_pair', type_='unique')
        batch_op.drop_constraint('relation_unique_undercut', type_='unique')
        batch_op.drop_constraint('relation_not_self', type_='check')
        batch_op.drop_column('source_node_id')  # its foreign key goes with it
    _create_trigger()
    _check_foreign_keys()
    _foreign_keys(True)


def downgrade() -> None:
    """Only maps without linked steps can go back: the old schema has one premise a step."""
    linked = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM (SELECT relation_id FROM premise GROUP BY relation_id "
        "HAVING count(*) > 1) AS linked").scalar()
    if linked:
        raise RuntimeError(f"{linked} linked steps cannot be stored in the old schema")
    _drop_trigger()
    _foreign_keys(False)
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_node_id', sa.INTEGER(), nullable=True))
    op.execute("UPDATE relation SET source_node_id = (SELECT node_id FROM premise "
               "WHERE premise.relation_id = relation.id)")
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.alter_column('source_node_id', nullable=False)
        batch_op.create_foreign_key('relation_source_node', 'node', ['map_id', 'source_node_id'], ['map_id', 'id'], ondelete='CASCADE')
        batch_op.drop_constraint('relation_step_target', type_='unique')
        batch_op.drop_constraint('relation_node_target', type_='unique')
        batch_op.create_unique_constraint('relation_unique_undercut', ['source_node_id', 'target_relation_id'])
        batch_op.create_unique_constraint('relation_unique_pair', ['source_node_id', 'target_node_id'])
        batch_op.create_check_constraint('relation_not_self', 'source_node_id <> target_node_id')
        batch_op.create_index(batch_op.f('ix_relation_source_node_id'), ['source_node_id'], unique=False)
    op.drop_table('premise')
    _check_foreign_keys()
    _foreign_keys(True)
