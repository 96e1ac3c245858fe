"""filters: filters (v2), their keywords and statuses

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filters",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("context", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("expires_at", madang.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_filters_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filters")),
    )
    op.create_index(op.f("ix_filters_account_id"), "filters", ["account_id"])
    op.create_table(
        "filter_keywords",
        sa.Column("filter_id", sa.BigInteger(), nullable=False),
        sa.Column("keyword", sa.String(length=255), nullable=False),
        sa.Column("whole_word", sa.Boolean(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["filter_id"], ["filters.id"], name=op.f("fk_filter_keywords_filter_id_filters"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filter_keywords")),
    )
    op.create_index(op.f("ix_filter_keywords_filter_id"), "filter_keywords", ["filter_id"])
    op.create_table(
        "filter_statuses",
        sa.Column("filter_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["filter_id"], ["filters.id"], name=op.f("fk_filter_statuses_filter_id_filters"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"], name=op.f("fk_filter_statuses_status_id_statuses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filter_statuses")),
        sa.UniqueConstraint("filter_id", "status_id", name=op.f("uq_filter_statuses_filter_id_status_id")),
    )
    op.create_index(op.f("ix_filter_statuses_status_id"), "filter_statuses", ["status_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_filter_statuses_status_id"), table_name="filter_statuses")
    op.drop_table("filter_statuses")
    op.drop_index(op.f("ix_filter_keywords_filter_id"), table_name="filter_keywords")
    op.drop_table("filter_keywords")
    op.drop_index(op.f("ix_filters_account_id"), table_name="filters")
    op.drop_table("filters")
