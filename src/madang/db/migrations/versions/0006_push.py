"""push: the instance VAPID key and Web Push subscriptions

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "push_server_keys",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("private_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_server_keys")),
    )
    op.create_table(
        "web_push_subscriptions",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("access_token_id", sa.BigInteger(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("key_p256dh", sa.String(length=200), nullable=False),
        sa.Column("key_auth", sa.String(length=100), nullable=False),
        sa.Column("standard", sa.Boolean(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("sealed_token", sa.Text(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["access_token_id"], ["oauth_access_tokens.id"],
                                name=op.f("fk_web_push_subscriptions_access_token_id_oauth_access_tokens"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_web_push_subscriptions_account_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_push_subscriptions")),
        sa.UniqueConstraint("access_token_id", name=op.f("uq_web_push_subscriptions_access_token_id")),
    )
    op.create_index(op.f("ix_web_push_subscriptions_account_id"), "web_push_subscriptions", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_push_subscriptions_account_id"), table_name="web_push_subscriptions")
    op.drop_table("web_push_subscriptions")
    op.drop_table("push_server_keys")
