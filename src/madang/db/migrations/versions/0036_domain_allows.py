"""Domain allows for the allow-list federation mode (decision 0040).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'domain_allows',
        sa.Column('domain', sa.String(255), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_allows')),
        sa.UniqueConstraint('domain', name=op.f('uq_domain_allows_domain')),
    )


def downgrade() -> None:
    op.drop_table('domain_allows')
