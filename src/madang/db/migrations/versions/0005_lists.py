"""lists: lists and their members (lists, list_accounts)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lists",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("replies_policy", sa.String(length=10), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_lists_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lists")),
    )
    op.create_index(op.f("ix_lists_account_id"), "lists", ["account_id"])
    op.create_table(
        "list_accounts",
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_list_accounts_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["list_id"], ["lists.id"], name=op.f("fk_list_accounts_list_id_lists"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_accounts")),
        sa.UniqueConstraint("list_id", "account_id", name=op.f("uq_list_accounts_list_id_account_id")),
    )
    op.create_index(op.f("ix_list_accounts_account_id"), "list_accounts", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_list_accounts_account_id"), table_name="list_accounts")
    op.drop_table("list_accounts")
    op.drop_index(op.f("ix_lists_account_id"), table_name="lists")
    op.drop_table("lists")
