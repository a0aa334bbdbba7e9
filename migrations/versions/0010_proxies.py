"""proxies: grants between members with public caps, and the votes cast under them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:12:29.089281
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('proxy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coalition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('grantor_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('proposal_number', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('granted_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_idx', sa.BigInteger(), nullable=False),
    sa.Column('answered_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_idx', sa.BigInteger(), nullable=True),
    sa.Column('ended_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_idx', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['coalition_id'], ['coalition.id'], name=op.f('fk_proxy_coalition_id_coalition')),
    sa.ForeignKeyConstraint(['grantor_id'], ['member.id'], name=op.f('fk_proxy_grantor_id_member')),
    sa.ForeignKeyConstraint(['holder_id'], ['member.id'], name=op.f('fk_proxy_holder_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy')),
    sa.UniqueConstraint('coalition_id', 'number', name=op.f('uq_proxy_coalition_id_number'))
    )
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_coalition_id'), ['coalition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proxy_grantor_id'), ['grantor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proxy_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proxy_status'), ['status'], unique=False)

    op.create_table('proxy_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proxy_id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('log_idx', sa.BigInteger(), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballot.id'], name=op.f('fk_proxy_vote_ballot_id_ballot')),
    sa.ForeignKeyConstraint(['holder_id'], ['member.id'], name=op.f('fk_proxy_vote_holder_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_proxy_vote_member_id_member')),
    sa.ForeignKeyConstraint(['proxy_id'], ['proxy.id'], name=op.f('fk_proxy_vote_proxy_id_proxy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy_vote'))
    )
    with op.batch_alter_table('proxy_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_vote_ballot_id'), ['ballot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proxy_vote_proxy_id'), ['proxy_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proxy_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proxy_vote_proxy_id'))
        batch_op.drop_index(batch_op.f('ix_proxy_vote_ballot_id'))

    op.drop_table('proxy_vote')
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proxy_status'))
        batch_op.drop_index(batch_op.f('ix_proxy_holder_id'))
        batch_op.drop_index(batch_op.f('ix_proxy_grantor_id'))
        batch_op.drop_index(batch_op.f('ix_proxy_coalition_id'))

    op.drop_table('proxy')
