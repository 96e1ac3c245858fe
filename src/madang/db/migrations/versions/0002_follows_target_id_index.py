"""follows: index (target_account_id, id) for fan-out in slices

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_follows_target_account_id_id", "follows", ["target_account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_follows_target_account_id_id", table_name="follows")
