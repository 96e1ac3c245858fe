"""analytics daily counts and account health alerts

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table('analytics_account_days',
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('followers', sa.Integer(), nullable=False),
    sa.Column('followers_estimated', sa.Boolean(), nullable=False),
    *_counts('new_followers', 'lost_followers', 'posts', 'replies_received', 'favourites_received',
             'reblogs_received', 'link_clicks'),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_analytics_account_days_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'day', name=op.f('pk_analytics_account_days')),
    sqlite_with_rowid=False
    )
    op.create_table('analytics_account_hours',
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.SmallInteger(), nullable=False),
    sa.Column('interactions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_analytics_account_hours_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'day', 'hour', name=op.f('pk_analytics_account_hours')),
    sqlite_with_rowid=False
    )
    op.create_table('analytics_status_days',
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    *_counts('favourites', 'reblogs', 'replies', 'link_clicks'),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_analytics_status_days_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_analytics_status_days_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', 'day', name=op.f('pk_analytics_status_days')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('analytics_status_days', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_status_days_account_id_day',
                              ['account_id', 'day', 'status_id', 'favourites', 'reblogs', 'replies', 'link_clicks'],
                              unique=False)

    op.create_table('health_alerts',
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('raised_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_health_alerts_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_alerts'))
    )
    with op.batch_alter_table('health_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_health_alerts_open', ['account_id', 'kind'], unique=True,
                              sqlite_where=sa.text('resolved_at IS NULL'),
                              postgresql_where=sa.text('resolved_at IS NULL'))
        batch_op.create_index('ix_health_alerts_raised_at', ['raised_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('health_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_health_alerts_raised_at')
        batch_op.drop_index('ix_health_alerts_open')
    op.drop_table('health_alerts')
    with op.batch_alter_table('analytics_status_days', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_status_days_account_id_day')
    op.drop_table('analytics_status_days')
    op.drop_table('analytics_account_hours')
    op.drop_table('analytics_account_days')
