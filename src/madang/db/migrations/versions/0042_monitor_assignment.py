"""Monitor items assigned to a staff member (issue 15, decision 0047).

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'monitor_assignments',
        sa.Column('organisation_id', sa.BigInteger(), nullable=False),
        sa.Column('status_id', sa.BigInteger(), nullable=False),
        sa.Column('assigned_to_id', sa.BigInteger(), nullable=False),
        sa.Column('assigned_by_id', sa.BigInteger(), nullable=True),
        sa.Column('assigned_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'],
                                name=op.f('fk_monitor_assignments_organisation_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['status_id'], ['statuses.id'],
                                name=op.f('fk_monitor_assignments_status_id_statuses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assigned_to_id'], ['accounts.id'],
                                name=op.f('fk_monitor_assignments_assigned_to_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['accounts.id'],
                                name=op.f('fk_monitor_assignments_assigned_by_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('organisation_id', 'status_id', name=op.f('pk_monitor_assignments')),
    )
    op.create_index('ix_monitor_assignments_status_id', 'monitor_assignments', ['status_id'])
    op.create_index('ix_monitor_assignments_assignee', 'monitor_assignments',
                    ['organisation_id', 'assigned_to_id', 'status_id'])


def downgrade() -> None:
    op.drop_index('ix_monitor_assignments_assignee', table_name='monitor_assignments')
    op.drop_index('ix_monitor_assignments_status_id', table_name='monitor_assignments')
    op.drop_table('monitor_assignments')
