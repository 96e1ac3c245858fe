"""mail_tokens: single-use e-mailed links for password reset and address confirmation

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_tokens",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", madang.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_tokens_token_hash")),
    )
    op.create_index(op.f("ix_mail_tokens_user_id"), "mail_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_tokens_user_id"), table_name="mail_tokens")
    op.drop_table("mail_tokens")
