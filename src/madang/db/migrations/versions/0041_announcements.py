"""Instance announcements with reactions and dismissals (issue 15).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 07:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'announcements',
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('starts_at', UTC, nullable=True),
        sa.Column('ends_at', UTC, nullable=True),
        sa.Column('all_day', sa.Boolean(), nullable=False),
        sa.Column('published_at', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('author_id', sa.BigInteger(), nullable=True),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_announcements_author_id_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    )
    op.create_table(
        'announcement_reactions',
        sa.Column('announcement_id', sa.BigInteger(), nullable=False),
        sa.Column('account_id', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                                name=op.f('fk_announcement_reactions_announcement_id_announcements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_announcement_reactions_account_id_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_reactions')),
        sa.UniqueConstraint('announcement_id', 'account_id', 'name',
                            name=op.f('uq_announcement_reactions_announcement_id_account_id_name')),
    )
    op.create_index('ix_announcement_reactions_announcement_id_name', 'announcement_reactions',
                    ['announcement_id', 'name'])
    op.create_table(
        'announcement_dismissals',
        sa.Column('account_id', sa.BigInteger(), nullable=False),
        sa.Column('announcement_id', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_announcement_dismissals_account_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                                name=op.f('fk_announcement_dismissals_announcement_id_announcements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('account_id', 'announcement_id', name=op.f('pk_announcement_dismissals')),
    )


def downgrade() -> None:
    op.drop_table('announcement_dismissals')
    op.drop_index('ix_announcement_reactions_announcement_id_name', table_name='announcement_reactions')
    op.drop_table('announcement_reactions')
    op.drop_table('announcements')
