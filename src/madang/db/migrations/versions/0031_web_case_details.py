"""A case from the web form keeps its location, its category's attribute values and a photo.

Revision ID: 0031
Revises: 0029
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('desk_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('long', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('attribute_values', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('photo_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('photo_small_key', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('desk_cases', schema=None) as batch_op:
        for column in ('photo_small_key', 'photo_key', 'attribute_values', 'long', 'lat', 'address'):
            batch_op.drop_column(column)
