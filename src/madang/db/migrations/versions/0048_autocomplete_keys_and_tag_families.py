"""초성 autocomplete keys on accounts and tags (decision 0062), and hashtag families with their
history (decision 0063). Existing rows get their keys here, a batch at a time.

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base
from madang.text.hangul_keys import initials_of_key, name_key

revision = '0048'
down_revision = '0047'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)
KEY = sa.String(400).with_variant(sa.String(400, collation='C'), 'postgresql')
BATCH = 2000


def _backfill(table: str, source: str, targets: dict[str, object]) -> None:
    bind = op.get_bind()
    rows_of = sa.table(table, sa.column('id', sa.BigInteger()), sa.column(source, sa.String()),
                       *(sa.column(t, sa.String()) for t in targets))
    last = -(2**63)
    while True:
        rows = bind.execute(sa.select(rows_of.c.id, rows_of.c[source]).where(rows_of.c.id > last)
                            .order_by(rows_of.c.id).limit(BATCH)).all()
        if not rows:
            return
        values = []
        for row_id, text in rows:
            values.append({'row_id': row_id, **{t: make(text or '') for t, make in targets.items()}})  # type: ignore[operator]
        bind.execute(sa.update(rows_of).where(rows_of.c.id == sa.bindparam('row_id'))
                     .values({t: sa.bindparam(t) for t in targets}), values)
        last = rows[-1][0]


def _name(text: str) -> str:
    return name_key(text)[:400]


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', KEY, server_default='', nullable=False))
        batch_op.add_column(sa.Column('name_initials', KEY, server_default='', nullable=False))
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('initials', KEY, server_default='', nullable=False))
    _backfill('accounts', 'display_name', {'name_key': _name, 'name_initials': lambda t: initials_of_key(_name(t))})
    _backfill('tags', 'key', {'initials': initials_of_key})
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index('ix_accounts_name_key', ['name_key'], unique=False)
        batch_op.create_index('ix_accounts_name_initials', ['name_initials'], unique=False)
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tags_initials'), ['initials'], unique=False)

    op.create_table(
        'tag_families',
        sa.Column('lead_tag_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['lead_tag_id'], ['tags.id'], name=op.f('fk_tag_families_lead_tag_id_tags'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_families')),
    )
    op.create_table(
        'tag_family_members',
        sa.Column('tag_id', sa.BigInteger(), nullable=False),
        sa.Column('family_id', sa.BigInteger(), nullable=False),
        sa.Column('added_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_family_members_tag_id_tags'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['family_id'], ['tag_families.id'],
                                name=op.f('fk_tag_family_members_family_id_tag_families'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tag_id', name=op.f('pk_tag_family_members')),
    )
    with op.batch_alter_table('tag_family_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_family_members_family_id'), ['family_id'], unique=False)
    op.create_table(
        'tag_family_events',
        sa.Column('family_id', sa.BigInteger(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('tag_name', sa.String(length=200), nullable=False),
        sa.Column('lead_name', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.BigInteger(), nullable=True),
        sa.Column('actor_acct', sa.String(length=400), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_family_events')),
    )
    with op.batch_alter_table('tag_family_events', schema=None) as batch_op:
        batch_op.create_index('ix_tag_family_events_family_id', ['family_id'], unique=False)


def downgrade() -> None:
    op.drop_table('tag_family_events')
    op.drop_table('tag_family_members')
    op.drop_table('tag_families')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tags_initials'))
        batch_op.drop_column('initials')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_accounts_name_initials')
        batch_op.drop_index('ix_accounts_name_key')
        batch_op.drop_column('name_initials')
        batch_op.drop_column('name_key')
