"""the charter: versions, change proposals, admission applications

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 04:30:00.000000
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_KINDS = ("charter_amendment", "weight_change", "suspension", "readmission", "expulsion")
_HALF = {"fraction": "0.5", "strict": True, "base": "yes_no"}
_COMMON = {"type": "majority", "counting": "equal", "weight_threshold": _HALF, "quorum_members": "0.5",
           "quorum_weight": None, "consensus": False, "unanimity": False, "blocking_minority_members": None,
           "early_close": True}
SIMPLE = {**_COMMON, "member_threshold": _HALF}
QUALIFIED = {**_COMMON, "member_threshold": {"fraction": "2/3", "strict": False, "base": "yes_no"}}


def _default_rules_for_new_kinds() -> None:
    """Existing coalitions get the default rule of each new proposal kind, as a new coalition does."""
    rule = sa.table("coalitionrule", sa.column("coalition_id", sa.Integer), sa.column("kind", sa.String),
                    sa.column("rule", sa.JSON), sa.column("updated_at", sa.DateTime(timezone=True)))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for (coalition_id,) in connection.execute(sa.text("SELECT id FROM coalition")).all():
        have = {row[0] for row in connection.execute(
            sa.text("SELECT kind FROM coalitionrule WHERE coalition_id = :c"), {"c": coalition_id})}
        rows = [{"coalition_id": coalition_id, "kind": kind, "updated_at": now,
                 "rule": SIMPLE if kind in ("suspension", "readmission") else QUALIFIED}
                for kind in NEW_KINDS if kind not in have]
        if rows:
            op.bulk_insert(rule, rows)


def upgrade() -> None:
    op.create_table(
        'charter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('adopted_by', sa.Integer(), nullable=True),
        sa.Column('log_idx', sa.BigInteger(), nullable=False),
        sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'], name=op.f('fk_charter_coalition_id_coalition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_charter')),
        sa.UniqueConstraint('coalition_id', 'version', name=op.f('uq_charter_coalition_id_version')),
    )
    with op.batch_alter_table('charter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_coalition_id'), ['coalition_id'], unique=False)
    op.create_table(
        'application',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coalition_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('statement', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('proposal_number', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'],
                                name=op.f('fk_application_coalition_id_coalition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_application_token_hash')),
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_coalition_id'), ['coalition_id'], unique=False)
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charter_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('impact', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('outcome_reason', sqlmodel.sql.sqltypes.AutoString(length=1000),
                                      nullable=False, server_default=''))
    _default_rules_for_new_kinds()


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM coalitionrule WHERE kind IN ('charter_amendment', 'weight_change', "
                       "'suspension', 'readmission', 'expulsion')"))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('outcome_reason')
        batch_op.drop_column('impact')
        batch_op.drop_column('charter_version')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_coalition_id'))
    op.drop_table('application')
    with op.batch_alter_table('charter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_coalition_id'))
    op.drop_table('charter')
