"""polls_scheduled: polls with their options and votes; scheduled statuses and their reserved media

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("hide_totals", sa.Boolean(), nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("votes_count", sa.Integer(), nullable=False),
        sa.Column("voters_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_polls_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"], name=op.f("fk_polls_status_id_statuses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.UniqueConstraint("status_id", name=op.f("uq_polls_status_id")),
    )
    op.create_index(op.f("ix_polls_account_id"), "polls", ["account_id"])
    op.create_table(
        "poll_options",
        sa.Column("poll_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("votes_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_poll_options_poll_id_polls"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "position", name=op.f("pk_poll_options")),
    )
    op.create_table(
        "poll_votes",
        sa.Column("poll_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_poll_votes_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_poll_votes_poll_id_polls"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_votes")),
        sa.UniqueConstraint("poll_id", "account_id", "choice", name=op.f("uq_poll_votes_poll_id_account_id_choice")),
    )
    op.create_index("ix_poll_votes_account_id_poll_id", "poll_votes", ["account_id", "poll_id"])
    op.create_table(
        "scheduled_statuses",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_at", UTC, nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_scheduled_statuses_account_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_statuses")),
    )
    op.create_index("ix_scheduled_statuses_account_id_id", "scheduled_statuses", ["account_id", "id"])
    op.create_table(
        "scheduled_status_media",
        sa.Column("media_attachment_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("scheduled_status_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["media_attachment_id"], ["media_attachments.id"],
                                name=op.f("fk_scheduled_status_media_media_attachment_id_media_attachments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scheduled_status_id"], ["scheduled_statuses.id"],
                                name=op.f("fk_scheduled_status_media_scheduled_status_id_scheduled_statuses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("media_attachment_id", name=op.f("pk_scheduled_status_media")),
    )
    op.create_index(op.f("ix_scheduled_status_media_scheduled_status_id"), "scheduled_status_media",
                    ["scheduled_status_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_scheduled_status_media_scheduled_status_id"), table_name="scheduled_status_media")
    op.drop_table("scheduled_status_media")
    op.drop_index("ix_scheduled_statuses_account_id_id", table_name="scheduled_statuses")
    op.drop_table("scheduled_statuses")
    op.drop_index("ix_poll_votes_account_id_poll_id", table_name="poll_votes")
    op.drop_table("poll_votes")
    op.drop_table("poll_options")
    op.drop_index(op.f("ix_polls_account_id"), table_name="polls")
    op.drop_table("polls")
