"""the log's entries indexed by coalition, type and index

The index on ``type`` alone served no query well: the log page's list of the types a log holds read every entry of
the coalition (a million at the scale the log is built for), and a filter by type walked the whole index of that
type across coalitions. (coalition_id, type, idx) answers both from the index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:40:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain index statements, not batch mode: on SQLite a batch may copy the table, and log_entry's triggers refuse
# every update and delete of it.
def upgrade() -> None:
    op.create_index('ix_log_entry_coalition_type', 'log_entry', ['coalition_id', 'type', 'idx'], unique=False)
    op.drop_index('ix_log_entry_type', table_name='log_entry')


def downgrade() -> None:
    op.create_index('ix_log_entry_type', 'log_entry', ['type'], unique=False)
    op.drop_index('ix_log_entry_coalition_type', table_name='log_entry')
