"""Analytics days split out what came from other servers: new followers and interactions
(favourites, boosts, replies) by remote accounts, for the office's "from the fediverse" figures.

Revision ID: 0039
Revises: 0036
Create Date: 2026-12-07 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('analytics_account_days') as batch:
        batch.add_column(sa.Column('remote_new_followers', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('remote_interactions', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('analytics_account_days') as batch:
        batch.drop_column('remote_interactions')
        batch.drop_column('remote_new_followers')
