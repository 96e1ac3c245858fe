"""Custom emoji (decision 0043): one row per (shortcode, domain), NULL domain for local ones;
the shortcodes a status or an account uses are kept on it, so rows without any cost nothing.

Revision ID: 0038
Revises: 0035
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'custom_emojis',
        sa.Column('shortcode', sa.String(100), nullable=False),
        sa.Column('domain', sa.String(255), nullable=True),
        sa.Column('uri', sa.String(500), nullable=True),
        sa.Column('image_remote_url', sa.String(1000), nullable=True),
        sa.Column('file_key', sa.String(200), server_default=sa.text("''"), nullable=False),
        sa.Column('static_key', sa.String(200), server_default=sa.text("''"), nullable=False),
        sa.Column('content_type', sa.String(50), server_default=sa.text("''"), nullable=False),
        sa.Column('file_size', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('link_only', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('visible_in_picker', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_emojis')),
        sa.UniqueConstraint('shortcode', 'domain', name=op.f('uq_custom_emojis_shortcode_domain')),
    )
    # Nullable columns without a default: a plain ADD COLUMN on both databases, no table rebuilt.
    op.add_column('statuses', sa.Column('emoji_shortcodes', sa.Text(), nullable=True))
    op.add_column('accounts', sa.Column('emoji_shortcodes', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('emoji_shortcodes')
    with op.batch_alter_table('statuses') as batch:
        batch.drop_column('emoji_shortcodes')
    op.drop_table('custom_emojis')
