"""media: uploaded photos (media_attachments)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_attachments",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("small_key", sa.String(length=200), nullable=False),
        sa.Column("small_content_type", sa.String(length=50), nullable=False),
        sa.Column("small_width", sa.Integer(), nullable=False),
        sa.Column("small_height", sa.Integer(), nullable=False),
        sa.Column("blurhash", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("focus_x", sa.Float(), nullable=False),
        sa.Column("focus_y", sa.Float(), nullable=False),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_media_attachments_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"], name=op.f("fk_media_attachments_status_id_statuses"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_attachments")),
    )
    op.create_index(op.f("ix_media_attachments_account_id"), "media_attachments", ["account_id"])
    op.create_index("ix_media_attachments_status_id_created_at", "media_attachments", ["status_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_media_attachments_status_id_created_at", table_name="media_attachments")
    op.drop_index(op.f("ix_media_attachments_account_id"), table_name="media_attachments")
    op.drop_table("media_attachments")
