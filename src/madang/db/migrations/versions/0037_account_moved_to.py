"""A remote account's move (issue 14, decision 0042): the account it moved to.

Revision ID: 0037
Revises: 0035 (the merge re-chains it after 0036)
Create Date: 2026-12-07 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('moved_to_account_id', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('moved_to_account_id')
