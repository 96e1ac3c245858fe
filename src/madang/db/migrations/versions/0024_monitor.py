"""the live monitor (watch terms, handled marks)

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import madang.models.base  # noqa: F401

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_watches",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["accounts.id"],
                                name=op.f("fk_monitor_watches_created_by_id_accounts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["accounts.id"],
                                name=op.f("fk_monitor_watches_organisation_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_watches")),
        sa.UniqueConstraint("organisation_id", "kind", "value", name=op.f("uq_monitor_watches_organisation_id_kind_value")),
    )
    op.create_table(
        "monitor_marks",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("handled_by_id", sa.BigInteger(), nullable=True),
        sa.Column("handled_at", madang.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handled_by_id"], ["accounts.id"],
                                name=op.f("fk_monitor_marks_handled_by_id_accounts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["accounts.id"],
                                name=op.f("fk_monitor_marks_organisation_id_accounts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["statuses.id"],
                                name=op.f("fk_monitor_marks_status_id_statuses"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "status_id", name=op.f("pk_monitor_marks")),
    )


def downgrade() -> None:
    op.drop_table("monitor_marks")
    op.drop_table("monitor_watches")
