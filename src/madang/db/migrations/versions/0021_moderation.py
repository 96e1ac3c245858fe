"""moderation actions, audit log, e-mail domain blocks, instance settings

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('moderation_actions',
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_account_id', sa.BigInteger(), nullable=True),
    sa.Column('target_status_id', sa.BigInteger(), nullable=True),
    sa.Column('report_id', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_moderation_actions_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_moderation_actions_report_id_reports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_account_id'], ['accounts.id'], name=op.f('fk_moderation_actions_target_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_status_id'], ['statuses.id'], name=op.f('fk_moderation_actions_target_status_id_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_actions'))
    )
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_actions_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_actions_target_account_id'), ['target_account_id'], unique=False)

    op.create_table('email_domain_blocks',
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_email_domain_blocks_created_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_domain_blocks')),
    sa.UniqueConstraint('domain', name=op.f('uq_email_domain_blocks_domain'))
    )
    op.create_table('instance_settings',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limited_at', madang.models.base.UTCDateTime(timezone=True), nullable=True))
        # Public timelines leave out suspended and limited authors: found by index, not a scan.
        batch_op.create_index(batch_op.f('ix_accounts_limited_at'), ['limited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_suspended_at'), ['suspended_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('sign_up_reason', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sign_up_reason')
        batch_op.drop_column('approved')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_suspended_at'))
        batch_op.drop_index(batch_op.f('ix_accounts_limited_at'))
        batch_op.drop_column('limited_at')
    op.drop_table('instance_settings')
    op.drop_table('email_domain_blocks')
    with op.batch_alter_table('moderation_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_actions_target_account_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_actions_report_id'))
    op.drop_table('moderation_actions')
