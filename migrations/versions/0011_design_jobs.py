"""rule designer runs kept in the database

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'design_run',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('evaluated', sa.Integer(), nullable=False),
        sa.Column('budget', sa.Integer(), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'], name=op.f('fk_design_run_coalition_id_coalition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_design_run')),
    )
    op.create_index(op.f('ix_design_run_coalition_id'), 'design_run', ['coalition_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_design_run_coalition_id'), table_name='design_run')
    op.drop_table('design_run')
