"""User-level domain blocks (Mastodon's /api/v1/domain_blocks): one row per account and
blocked domain (decision 0039).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'account_domain_blocks',
        sa.Column('account_id', sa.BigInteger(), nullable=False),
        sa.Column('domain', sa.String(255), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_account_domain_blocks_account_id_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_domain_blocks')),
        sa.UniqueConstraint('account_id', 'domain', name=op.f('uq_account_domain_blocks_account_id_domain')),
    )


def downgrade() -> None:
    op.drop_table('account_domain_blocks')
