"""the city blog (feeds followed, entries posted)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blog_feeds',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('added_by_id', sa.BigInteger(), nullable=True),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_checked_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('modified', sa.String(length=100), nullable=True),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['accounts.id'], name=op.f('fk_blog_feeds_added_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_blog_feeds_organisation_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_feeds')),
    sa.UniqueConstraint('organisation_id', 'url', name=op.f('uq_blog_feeds_organisation_id_url'))
    )
    with op.batch_alter_table('blog_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blog_feeds_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('blog_entries',
    sa.Column('feed_id', sa.BigInteger(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('status_id', sa.BigInteger(), nullable=True),
    sa.Column('short_link_id', sa.BigInteger(), nullable=True),
    sa.Column('posted_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['blog_feeds.id'], name=op.f('fk_blog_entries_feed_id_blog_feeds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['short_link_id'], ['short_links.id'], name=op.f('fk_blog_entries_short_link_id_short_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_blog_entries_status_id_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_entries')),
    sa.UniqueConstraint('feed_id', 'key', name=op.f('uq_blog_entries_feed_id_key'))
    )


def downgrade() -> None:
    op.drop_table('blog_entries')
    with op.batch_alter_table('blog_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blog_feeds_organisation_id'))

    op.drop_table('blog_feeds')
