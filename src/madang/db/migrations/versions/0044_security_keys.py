"""Security keys (WebAuthn) for two-factor sign-in (issue 15).

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'security_keys',
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('credential_id', sa.String(1400), nullable=False),
        sa.Column('public_key', sa.String(2000), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(60), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('last_used_at', UTC, nullable=True),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_security_keys_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_keys')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_security_keys_credential_id')),
    )
    op.create_index(op.f('ix_security_keys_user_id'), 'security_keys', ['user_id'])
    with op.batch_alter_table('two_factors') as batch:
        batch.add_column(sa.Column('webauthn_challenge', sa.String(200), nullable=True))
        batch.add_column(sa.Column('webauthn_purpose', sa.String(20), nullable=True))
        batch.add_column(sa.Column('webauthn_challenge_at', UTC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('two_factors') as batch:
        batch.drop_column('webauthn_challenge_at')
        batch.drop_column('webauthn_purpose')
        batch.drop_column('webauthn_challenge')
    op.drop_index(op.f('ix_security_keys_user_id'), table_name='security_keys')
    op.drop_table('security_keys')
