"""Federation (issue 14): remote actors' endpoints and keys on accounts, activity ids on follows
and favourites, unique ActivityPub ids, and federation's own tables (decision 0035).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)

_ACCOUNT_COLUMNS = (
    ('actor_type', sa.String(20)), ('inbox_url', sa.String(500)), ('shared_inbox_url', sa.String(500)),
    ('outbox_url', sa.String(500)), ('followers_url', sa.String(500)), ('featured_url', sa.String(500)),
    ('public_key_id', sa.String(500)), ('public_key_pem', sa.Text()), ('avatar_remote_url', sa.String(1000)),
    ('header_remote_url', sa.String(1000)), ('fetched_at', UTC),
)


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        # Remote usernames (Misskey's are opaque ids) run longer than local ones.
        batch.alter_column('username', type_=sa.String(100), existing_type=sa.String(30), existing_nullable=False)
        batch.alter_column('acct_key', type_=sa.String(400), existing_type=sa.String(300), existing_nullable=False)
        for name, type_ in _ACCOUNT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_index('ix_accounts_uri', 'accounts', ['uri'], unique=True)
    op.create_index('ix_accounts_domain', 'accounts', ['domain'], unique=False)
    op.create_index('ix_accounts_public_key_id', 'accounts', ['public_key_id'], unique=False)
    with op.batch_alter_table('statuses') as batch:
        batch.add_column(sa.Column('in_reply_to_uri', sa.String(500), nullable=True))
    op.create_index('ix_statuses_uri', 'statuses', ['uri'], unique=True)
    with op.batch_alter_table('media_attachments') as batch:
        batch.add_column(sa.Column('remote_url', sa.String(1000), nullable=True))
    for table in ('follows', 'follow_requests', 'favourites'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('uri', sa.String(500), nullable=True))
    with op.batch_alter_table('follows') as batch:
        batch.add_column(sa.Column('remote', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.create_index('ix_follows_remote', 'follows', ['target_account_id'], unique=False,
                    sqlite_where=sa.text('remote = 1'), postgresql_where=sa.text('remote'))

    op.create_table(
        'actor_keys',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('account_id', sa.BigInteger(), nullable=True),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_actor_keys_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_keys')),
        sa.UniqueConstraint('account_id', name=op.f('uq_actor_keys_account_id')),
    )
    op.create_table(
        'federated_domains',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('domain', sa.String(255), nullable=False),
        sa.Column('failure_days', sa.JSON(), nullable=False),
        sa.Column('unavailable_at', UTC, nullable=True),
        sa.Column('last_success_at', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_federated_domains')),
        sa.UniqueConstraint('domain', name=op.f('uq_federated_domains_domain')),
    )
    op.create_table(
        'remote_tombstones',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('uri', sa.String(500), nullable=False),
        sa.Column('account_uri', sa.String(500), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_tombstones')),
        sa.UniqueConstraint('uri', name=op.f('uq_remote_tombstones_uri')),
    )
    op.create_table(
        'domain_blocks',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('domain', sa.String(255), nullable=False),
        sa.Column('severity', sa.String(10), nullable=False),
        sa.Column('reject_media', sa.Boolean(), nullable=False),
        sa.Column('reject_reports', sa.Boolean(), nullable=False),
        sa.Column('public_comment', sa.Text(), nullable=False),
        sa.Column('private_comment', sa.Text(), nullable=False),
        sa.Column('obfuscate', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_blocks')),
        sa.UniqueConstraint('domain', name=op.f('uq_domain_blocks_domain')),
    )


def downgrade() -> None:
    for table in ('domain_blocks', 'remote_tombstones', 'federated_domains', 'actor_keys'):
        op.drop_table(table)
    op.drop_index('ix_follows_remote', table_name='follows')
    with op.batch_alter_table('follows') as batch:
        batch.drop_column('remote')
    for table in ('favourites', 'follow_requests', 'follows'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('uri')
    with op.batch_alter_table('media_attachments') as batch:
        batch.drop_column('remote_url')
    op.drop_index('ix_statuses_uri', table_name='statuses')
    with op.batch_alter_table('statuses') as batch:
        batch.drop_column('in_reply_to_uri')
    op.drop_index('ix_accounts_public_key_id', table_name='accounts')
    op.drop_index('ix_accounts_domain', table_name='accounts')
    op.drop_index('ix_accounts_uri', table_name='accounts')
    with op.batch_alter_table('accounts') as batch:
        for name, _type in reversed(_ACCOUNT_COLUMNS):
            batch.drop_column(name)
        batch.alter_column('acct_key', type_=sa.String(300), existing_type=sa.String(400), existing_nullable=False)
        batch.alter_column('username', type_=sa.String(30), existing_type=sa.String(100), existing_nullable=False)
