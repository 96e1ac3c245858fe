"""Imports of Mastodon's following, block and mute lists (issue 15, decision 0050).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'bulk_imports',
        sa.Column('account_id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('mode', sa.String(20), nullable=False),
        sa.Column('state', sa.String(20), nullable=False),
        sa.Column('total_items', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(255), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('finished_at', UTC, nullable=True),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_bulk_imports_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_imports')),
    )
    op.create_index('ix_bulk_imports_account_id_id', 'bulk_imports', ['account_id', 'id'])
    op.create_table(
        'bulk_import_rows',
        sa.Column('import_id', sa.BigInteger(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('acct', sa.String(400), nullable=False),
        sa.Column('show_reblogs', sa.Boolean(), nullable=False),
        sa.Column('notify', sa.Boolean(), nullable=False),
        sa.Column('hide_notifications', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('reason', sa.String(20), nullable=True),
        sa.Column('target_account_id', sa.BigInteger(), nullable=True),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['bulk_imports.id'],
                                name=op.f('fk_bulk_import_rows_import_id_bulk_imports'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['target_account_id'], ['accounts.id'],
                                name=op.f('fk_bulk_import_rows_target_account_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_import_rows')),
        sa.UniqueConstraint('import_id', 'position', name=op.f('uq_bulk_import_rows_import_id_position')),
    )
    op.create_index('ix_bulk_import_rows_import_id_state', 'bulk_import_rows', ['import_id', 'state'])


def downgrade() -> None:
    op.drop_index('ix_bulk_import_rows_import_id_state', table_name='bulk_import_rows')
    op.drop_table('bulk_import_rows')
    op.drop_index('ix_bulk_imports_account_id_id', table_name='bulk_imports')
    op.drop_table('bulk_imports')
