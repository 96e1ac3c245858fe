"""Answers suggested at the desk: indexed answered cases, frequently asked categories, automatic
first replies (issue 17, decision 0064).

Revision ID: 0050
Revises: 0049 (assigned 0047; chained after ksearch's 0049 once that branch was merged in)
Create Date: 2026-12-07 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0050'
down_revision = '0049'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'desk_suggestion_docs',
        sa.Column('organisation_id', sa.BigInteger(), nullable=False),
        sa.Column('case_id', sa.BigInteger(), nullable=False),
        sa.Column('lemmas', sa.Text(), nullable=False),
        sa.Column('answer_hash', sa.BigInteger(), nullable=False),
        sa.Column('indexed_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'],
                                name=op.f('fk_desk_suggestion_docs_organisation_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_id'], ['desk_cases.id'],
                                name=op.f('fk_desk_suggestion_docs_case_id_desk_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_suggestion_docs')),
        sa.UniqueConstraint('case_id', name=op.f('uq_desk_suggestion_docs_case_id')),
    )
    op.create_index('ix_desk_suggestion_docs_organisation_id_id', 'desk_suggestion_docs', ['organisation_id', 'id'])
    op.create_table(
        'desk_faq_categories',
        sa.Column('organisation_id', sa.BigInteger(), nullable=False),
        sa.Column('category', sa.String(50), nullable=False),
        sa.Column('auto_reply', sa.Boolean(), nullable=False),
        sa.Column('threshold', sa.Float(), nullable=False),
        sa.Column('updated_by_id', sa.BigInteger(), nullable=True),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'],
                                name=op.f('fk_desk_faq_categories_organisation_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'],
                                name=op.f('fk_desk_faq_categories_updated_by_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_faq_categories')),
        sa.UniqueConstraint('organisation_id', 'category', name=op.f('uq_desk_faq_categories_organisation_id_category')),
    )
    op.create_table(
        'desk_auto_replies',
        sa.Column('case_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('organisation_id', sa.BigInteger(), nullable=False),
        sa.Column('source', sa.String(40), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('sent', sa.Boolean(), nullable=False),
        sa.Column('how', sa.String(60), nullable=False),
        sa.Column('status_id', sa.BigInteger(), nullable=True),
        sa.Column('at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['desk_cases.id'],
                                name=op.f('fk_desk_auto_replies_case_id_desk_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'],
                                name=op.f('fk_desk_auto_replies_organisation_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['status_id'], ['statuses.id'],
                                name=op.f('fk_desk_auto_replies_status_id_statuses'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_desk_auto_replies')),
    )
    op.create_index('ix_desk_auto_replies_organisation_id', 'desk_auto_replies', ['organisation_id'])
    op.create_index('ix_desk_auto_replies_status_id', 'desk_auto_replies', ['status_id'])


def downgrade() -> None:
    op.drop_table('desk_auto_replies')
    op.drop_table('desk_faq_categories')
    op.drop_index('ix_desk_suggestion_docs_organisation_id_id', table_name='desk_suggestion_docs')
    op.drop_table('desk_suggestion_docs')
