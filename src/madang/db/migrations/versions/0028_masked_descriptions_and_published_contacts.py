"""A case's masked description (and an Open311 request's masked address) is stored with it;
organisations list their published contacts.

Masking the description on every public read made the Open311 list (up to 1,000 cases) and the
staff inbox cost a masking per row per request (issue 13); the masked text is now written with
the case. Existing cases are back-filled here, a batch at a time so that no single statement
holds the whole table in memory or locks it for long.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    op.create_table('desk_published_contacts',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('department_id', sa.BigInteger(), nullable=True),
    sa.Column('value', sa.String(length=320), nullable=False),
    sa.Column('created_at', madang.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['desk_departments.id'], name=op.f('fk_desk_published_contacts_department_id_desk_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['accounts.id'], name=op.f('fk_desk_published_contacts_organisation_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_published_contacts')),
    sa.UniqueConstraint('organisation_id', 'department_id', 'value', name=op.f('uq_desk_published_contacts_organisation_id_department_id_value'))
    )
    with op.batch_alter_table('desk_published_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_published_contacts_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('desk_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_public', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_public', sa.String(length=500), nullable=True))

    _back_fill('desk_cases', 'id', 'description', 'description_public')
    _back_fill('open311_requests', 'case_id', 'address_string', 'address_public')


def _back_fill(table: str, key: str, source: str, target: str) -> None:
    # Imported here: the masking as it is when the migration runs (the same function writes it
    # for new rows); no organisation has published contacts yet, so nothing is kept.
    from madang.text.personal_data import mask_personal_data

    rows_of = sa.table(table, sa.column(key, sa.BigInteger()), sa.column(source, sa.Text()),
                       sa.column(target, sa.Text()))
    k, src = rows_of.c[key], rows_of.c[source]
    bind = op.get_bind()
    last = None
    while True:
        query = sa.select(k, src).where(src.is_not(None)).order_by(k).limit(BATCH)
        if last is not None:
            query = query.where(k > last)
        rows = bind.execute(query).all()
        if not rows:
            break
        bind.execute(sa.update(rows_of).where(k == sa.bindparam('row_key')).values({target: sa.bindparam('masked')}),
                     [{'row_key': row_key, 'masked': mask_personal_data(text)} for row_key, text in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.drop_column('address_public')

    with op.batch_alter_table('desk_cases', schema=None) as batch_op:
        batch_op.drop_column('description_public')

    with op.batch_alter_table('desk_published_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_published_contacts_organisation_id'))

    op.drop_table('desk_published_contacts')
