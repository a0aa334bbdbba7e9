"""member keys and signed votes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VOTE_COLUMNS = ('key_id', 'seq', 'signature')


def upgrade() -> None:
    op.create_table(
        'member_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('registered_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('registered_idx', sa.BigInteger(), nullable=False),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column('revoked_idx', sa.BigInteger(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'], name=op.f('fk_member_key_coalition_id_coalition')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_key_member_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_key')),
        sa.UniqueConstraint('coalition_id', 'key_id', name=op.f('uq_member_key_coalition_id_key_id')),
    )
    with op.batch_alter_table('member_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_key_coalition_id'), ['coalition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_key_member_id'), ['member_id'], unique=False)
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_seq', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))


def downgrade() -> None:
    # Not batch mode on SQLite for the columns: it would copy the member table and drop the original, which the
    # foreign keys of every row that refers to a member refuse. SQLite drops a column in place since 3.35.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in (('vote', VOTE_COLUMNS), ('ballot', ('signed_only',)), ('member', ('vote_seq',))):
        for column in columns:
            if sqlite:
                op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            else:
                op.drop_column(table, column)
    with op.batch_alter_table('member_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_key_member_id'))
        batch_op.drop_index(batch_op.f('ix_member_key_coalition_id'))
    op.drop_table('member_key')
