"""read_time_authors: accounts whose posts are merged into home timelines when read
(fan-out at a capital's scale, issue 16, decision 0068).

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0051'
down_revision = '0050'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new, empty table: nothing to rewrite on either database.
    op.create_table(
        'read_time_authors',
        sa.Column('account_id', sa.BigInteger(), sa.ForeignKey('accounts.id', ondelete='CASCADE'),
                  primary_key=True, autoincrement=False),
        sa.Column('since_status_id', sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('read_time_authors')
