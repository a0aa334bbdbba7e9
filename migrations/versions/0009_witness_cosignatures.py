"""witness cosignatures of checkpoints

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 07:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'checkpoint_cosignature',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('timestamp', sa.BigInteger(), nullable=False),
        sa.Column('line', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column('log_idx', sa.BigInteger(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'],
                                name=op.f('fk_checkpoint_cosignature_coalition_id_coalition')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_checkpoint_cosignature_member_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoint_cosignature')),
        sa.UniqueConstraint('coalition_id', 'size', 'key_id', name=op.f('uq_checkpoint_cosignature_coalition_id_size_key_id')),
    )
    with op.batch_alter_table('checkpoint_cosignature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkpoint_cosignature_coalition_id'), ['coalition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkpoint_cosignature_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkpoint_cosignature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkpoint_cosignature_member_id'))
        batch_op.drop_index(batch_op.f('ix_checkpoint_cosignature_coalition_id'))
    op.drop_table('checkpoint_cosignature')
