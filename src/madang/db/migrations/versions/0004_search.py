"""search: the status search index and accounts.indexable

Revision ID: 0004
Revises: 0003

Existing statuses (a demo city, a running instance) are indexed here, in batches, with
the same tokenizer the app uses (decision 0008); a city's few hundred thousand posts take
a minute or two, once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from madang.text.search_terms import document_terms

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.add_column("accounts", sa.Column("indexable", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "status_search_terms",
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("term", "status_id", name=op.f("pk_status_search_terms")),
        sqlite_with_rowid=False,
    )
    _index_existing_statuses(op.get_bind())


def _index_existing_statuses(bind: sa.engine.Connection) -> None:
    statuses = sa.table("statuses", sa.column("id", sa.BigInteger), sa.column("text", sa.Text),
                        sa.column("spoiler_text", sa.Text), sa.column("reblog_of_id", sa.BigInteger),
                        sa.column("deleted_at"))
    terms = sa.table("status_search_terms", sa.column("term", sa.String), sa.column("status_id", sa.BigInteger))
    after = -1
    while True:
        rows = bind.execute(
            sa.select(statuses.c.id, statuses.c.text, statuses.c.spoiler_text)
            .where(statuses.c.id > after, statuses.c.reblog_of_id.is_(None), statuses.c.deleted_at.is_(None))
            .order_by(statuses.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        values = [{"term": term, "status_id": status_id}
                  for status_id, text, spoiler in rows for term in document_terms(text, spoiler)]
        if values:
            bind.execute(sa.insert(terms), values)
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_table("status_search_terms")
    op.drop_column("accounts", "indexable")
