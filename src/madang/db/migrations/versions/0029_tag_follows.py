"""Followed hashtags (Mastodon's followed_tags): a tag's new public posts come into the
follower's home feed.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'tag_follows',
        sa.Column('account_id', sa.BigInteger(), nullable=False),
        sa.Column('tag_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tag_follows_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_follows_tag_id_tags'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_follows')),
        sa.UniqueConstraint('account_id', 'tag_id', name=op.f('uq_tag_follows_account_id_tag_id')),
    )
    with op.batch_alter_table('tag_follows', schema=None) as batch_op:
        batch_op.create_index('ix_tag_follows_tag_id_account_id', ['tag_id', 'account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tag_follows', schema=None) as batch_op:
        batch_op.drop_index('ix_tag_follows_tag_id_account_id')
    op.drop_table('tag_follows')
