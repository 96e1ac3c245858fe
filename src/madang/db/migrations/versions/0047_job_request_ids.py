"""Jobs remember the id of the request that enqueued them, for the logs (issue 16, decision 0056).

Revision ID: 0047
Revises: 0044
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0047'
down_revision = '0044'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable and without a default: no table rewrite on either database, however many jobs.
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('request_id', sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('request_id')
