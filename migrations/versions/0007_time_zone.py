"""coalition time zone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('coalition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='UTC'))


def downgrade() -> None:
    # Not batch mode on SQLite: it would copy the coalition table and drop the original, which the foreign keys of
    # every row that refers to a coalition refuse. SQLite drops a column in place since 3.35.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE coalition DROP COLUMN time_zone")
    else:
        op.drop_column('coalition', 'time_zone')
