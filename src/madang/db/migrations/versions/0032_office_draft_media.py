"""An office draft keeps its photos until it goes out (issue 13: the office composer's photo
went only on a post published at once, so with approval on it could not be used).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'office_draft_media',
        sa.Column('media_attachment_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('draft_id', sa.BigInteger(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['office_drafts.id'],
                                name=op.f('fk_office_draft_media_draft_id_office_drafts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['media_attachment_id'], ['media_attachments.id'],
                                name=op.f('fk_office_draft_media_media_attachment_id_media_attachments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('media_attachment_id', name=op.f('pk_office_draft_media')),
    )
    op.create_index(op.f('ix_office_draft_media_draft_id'), 'office_draft_media', ['draft_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_office_draft_media_draft_id'), table_name='office_draft_media')
    op.drop_table('office_draft_media')
