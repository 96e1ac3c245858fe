"""publishing as an organisation (drafts, approvals, authors, office roles)

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_settings',
    sa.Column('organisation_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('approval_required', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_office_settings_organisation_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'], name=op.f('fk_office_settings_updated_by_id_accounts')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_office_settings'))
    )
    op.create_table('office_drafts',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('spoiler_text', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('in_reply_to_id', sa.BigInteger(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('approved_by_id', sa.BigInteger(), nullable=True),
    sa.Column('scheduled_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scheduled_status_id', sa.BigInteger(), nullable=True),
    sa.Column('status_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['accounts.id'], name=op.f('fk_office_drafts_approved_by_id_accounts')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_office_drafts_author_id_accounts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_office_drafts_organisation_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_office_drafts_status_id_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_drafts'))
    )
    with op.batch_alter_table('office_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_drafts_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_office_drafts_organisation_id_state_updated_at', ['organisation_id', 'state', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_drafts_scheduled_status_id'), ['scheduled_status_id'], unique=False)

    op.create_table('office_favourites',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_office_favourites_account_id_accounts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_office_favourites_organisation_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_office_favourites_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_favourites'))
    )
    with op.batch_alter_table('office_favourites', schema=None) as batch_op:
        batch_op.create_index('ix_office_favourites_organisation_id_status_id', ['organisation_id', 'status_id'], unique=False)

    op.create_table('office_draft_events',
    sa.Column('draft_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('old_text', sa.Text(), nullable=True),
    sa.Column('scheduled_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_office_draft_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(['draft_id'], ['office_drafts.id'], name=op.f('fk_office_draft_events_draft_id_office_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_draft_events'))
    )
    with op.batch_alter_table('office_draft_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_draft_events_draft_id'), ['draft_id'], unique=False)

    op.create_table('office_posts',
    sa.Column('status_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('draft_id', sa.BigInteger(), nullable=True),
    sa.Column('approved_by_id', sa.BigInteger(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_office_posts_account_id_accounts')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['accounts.id'], name=op.f('fk_office_posts_approved_by_id_accounts')),
    sa.ForeignKeyConstraint(['draft_id'], ['office_drafts.id'], name=op.f('fk_office_posts_draft_id_office_drafts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_office_posts_organisation_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_office_posts_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', name=op.f('pk_office_posts'))
    )
    with op.batch_alter_table('office_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_posts_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_office_posts_organisation_id_created_at', ['organisation_id', 'created_at'], unique=False)

    with op.batch_alter_table('desk_staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_role', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('desk_staff', schema=None) as batch_op:
        batch_op.drop_column('office_role')

    with op.batch_alter_table('office_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_office_posts_organisation_id_created_at')
        batch_op.drop_index(batch_op.f('ix_office_posts_account_id'))

    op.drop_table('office_posts')
    with op.batch_alter_table('office_draft_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_draft_events_draft_id'))

    op.drop_table('office_draft_events')
    with op.batch_alter_table('office_favourites', schema=None) as batch_op:
        batch_op.drop_index('ix_office_favourites_organisation_id_status_id')

    op.drop_table('office_favourites')
    with op.batch_alter_table('office_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_drafts_scheduled_status_id'))
        batch_op.drop_index('ix_office_drafts_organisation_id_state_updated_at')
        batch_op.drop_index(batch_op.f('ix_office_drafts_author_id'))

    op.drop_table('office_drafts')
    op.drop_table('office_settings')
