"""trends_reports: trends, reports, conversations, featured tags, dismissed suggestions

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "tag_day_uses",
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        _fk("tag_day_uses", "tag_id", "tags"),
        sa.PrimaryKeyConstraint("tag_id", "day", name=op.f("pk_tag_day_uses")),
    )
    op.create_table(
        "trending_tags",
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        _fk("trending_tags", "tag_id", "tags"),
        sa.PrimaryKeyConstraint("tag_id", name=op.f("pk_trending_tags")),
    )
    op.create_index(op.f("ix_trending_tags_rank"), "trending_tags", ["rank"])
    op.create_table(
        "trending_statuses",
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        _fk("trending_statuses", "status_id", "statuses"),
        sa.PrimaryKeyConstraint("status_id", name=op.f("pk_trending_statuses")),
    )
    op.create_index(op.f("ix_trending_statuses_rank"), "trending_statuses", ["rank"])
    op.create_table(
        "reports",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_ids", sa.JSON(), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("action_taken_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        _fk("reports", "account_id", "accounts"),
        _fk("reports", "target_account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index(op.f("ix_reports_account_id"), "reports", ["account_id"])
    op.create_index(op.f("ix_reports_target_account_id"), "reports", ["target_account_id"])
    op.create_table(
        "account_conversations",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("participants_key", sa.String(length=64), nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("last_status_id", sa.BigInteger(), nullable=False),
        sa.Column("unread", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        _fk("account_conversations", "account_id", "accounts"),
        _fk("account_conversations", "last_status_id", "statuses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_conversations")),
        sa.UniqueConstraint("account_id", "participants_key",
                            name=op.f("uq_account_conversations_account_id_participants_key")),
    )
    op.create_index("ix_account_conversations_account_id_last_status_id", "account_conversations",
                    ["account_id", "last_status_id"])
    op.create_table(
        "featured_tags",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        _fk("featured_tags", "account_id", "accounts"),
        _fk("featured_tags", "tag_id", "tags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_featured_tags")),
        sa.UniqueConstraint("account_id", "tag_id", name=op.f("uq_featured_tags_account_id_tag_id")),
    )
    op.create_index(op.f("ix_featured_tags_account_id"), "featured_tags", ["account_id"])
    op.create_table(
        "suggestion_dismissals",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        _fk("suggestion_dismissals", "account_id", "accounts"),
        _fk("suggestion_dismissals", "target_account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissals")),
        sa.UniqueConstraint("account_id", "target_account_id",
                            name=op.f("uq_suggestion_dismissals_account_id_target_account_id")),
    )


def downgrade() -> None:
    op.drop_table("suggestion_dismissals")
    op.drop_index(op.f("ix_featured_tags_account_id"), table_name="featured_tags")
    op.drop_table("featured_tags")
    op.drop_index("ix_account_conversations_account_id_last_status_id", table_name="account_conversations")
    op.drop_table("account_conversations")
    op.drop_index(op.f("ix_reports_target_account_id"), table_name="reports")
    op.drop_index(op.f("ix_reports_account_id"), table_name="reports")
    op.drop_table("reports")
    op.drop_index(op.f("ix_trending_statuses_rank"), table_name="trending_statuses")
    op.drop_table("trending_statuses")
    op.drop_index(op.f("ix_trending_tags_rank"), table_name="trending_tags")
    op.drop_table("trending_tags")
    op.drop_table("tag_day_uses")
