"""Outgoing activities (issue 14): an activity's JSON stored once for all its delivery jobs
(decision 0036).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'outgoing_activities',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_activities')),
    )
    op.create_index('ix_outgoing_activities_created_at', 'outgoing_activities', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outgoing_activities_created_at', table_name='outgoing_activities')
    op.drop_table('outgoing_activities')
