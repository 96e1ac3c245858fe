"""An index for the public timeline of every post (local and remote), newest first.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-25 19:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Without it, `GET /api/v1/timelines/public` sorted every public post: 1.9 s on 1M posts.
    op.create_index("ix_statuses_visibility_id", "statuses", ["visibility", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_statuses_visibility_id", table_name="statuses")
