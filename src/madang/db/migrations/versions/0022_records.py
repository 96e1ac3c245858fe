"""records exports log

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base  # noqa: F401

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('records_exports',
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('scope_value', sa.String(length=200), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('started_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_records_exports_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_records_exports_organisation_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_exports'))
    )
    with op.batch_alter_table('records_exports', schema=None) as batch_op:
        batch_op.create_index('ix_records_exports_organisation_id_started_at', ['organisation_id', 'started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('records_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_records_exports_organisation_id_started_at')

    op.drop_table('records_exports')
