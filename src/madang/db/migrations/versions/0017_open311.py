"""open311: services (request types and their attributes), API keys (hashes), and the Open311
side of a case (location, media, requester's name, attribute values)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open311_api_keys',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', madang.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_open311_api_keys_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_open311_api_keys_name'))
    )
    op.create_table('open311_services',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('service_code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=True),
    sa.Column('keywords', sa.String(length=300), nullable=False),
    sa.Column('group', sa.String(length=100), nullable=False),
    sa.Column('notice', sa.Text(), nullable=False),
    sa.Column('metadata_flag', sa.Boolean(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['desk_departments.id'], name=op.f('fk_open311_services_department_id_desk_departments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_open311_services_organisation_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_services')),
    sa.UniqueConstraint('organisation_id', 'service_code', name=op.f('uq_open311_services_organisation_id_service_code'))
    )
    with op.batch_alter_table('open311_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_services_service_code'), ['service_code'], unique=False)

    op.create_table('open311_requests',
    sa.Column('case_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('service_id', sa.BigInteger(), nullable=False),
    sa.Column('api_key_id', sa.BigInteger(), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('long', sa.Float(), nullable=True),
    sa.Column('address_string', sa.String(length=500), nullable=True),
    sa.Column('address_id', sa.String(length=100), nullable=True),
    sa.Column('media_url', sa.String(length=2000), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('device_id', sa.String(length=200), nullable=True),
    sa.Column('account_id', sa.String(length=200), nullable=True),
    sa.Column('attribute_values', sa.JSON(), nullable=False),
    sa.Column('requested_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['open311_api_keys.id'], name=op.f('fk_open311_requests_api_key_id_open311_api_keys')),
    sa.ForeignKeyConstraint(['case_id'], ['desk_cases.id'], name=op.f('fk_open311_requests_case_id_desk_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['open311_services.id'], name=op.f('fk_open311_requests_service_id_open311_services')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_open311_requests')),
    sa.UniqueConstraint('token', name=op.f('uq_open311_requests_token'))
    )
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_requests_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_open311_requests_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_requests_service_id'))
        batch_op.drop_index(batch_op.f('ix_open311_requests_requested_at'))

    op.drop_table('open311_requests')
    with op.batch_alter_table('open311_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_services_service_code'))

    op.drop_table('open311_services')
    op.drop_table('open311_api_keys')
