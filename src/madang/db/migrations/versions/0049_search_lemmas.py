"""Search by lemma: where the index's rebuild stands (issue 17, decision 0061).

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07 18:30:00

New posts are indexed under their lemmas from this version on; the posts already there get
them from `madang search reindex` (resumable, run by the operator after the upgrade: analysing
a million posts takes minutes, too long for a migration's transaction). The row written here
says which version the existing rows were written with: 1 (bigrams only) when there are
posts, 2 (bigrams and lemmas) when there are none, so a new instance has nothing to rebuild.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = '0049'
down_revision = '0048'
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    state = op.create_table(
        'search_index_state',
        sa.Column('name', sa.String(40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.BigInteger(), nullable=False),
        sa.Column('started_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('finished_at', UTC, nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_search_index_state')),
    )
    statuses = sa.table('statuses', sa.column('id', sa.BigInteger))
    has_posts = op.get_bind().execute(sa.select(statuses.c.id).limit(1)).first() is not None
    now = datetime.now(timezone.utc)
    op.bulk_insert(state, [{'name': 'statuses', 'version': 1 if has_posts else 2, 'last_id': 0,
                            'started_at': now, 'updated_at': now, 'finished_at': now}])


def downgrade() -> None:
    op.drop_table('search_index_state')
