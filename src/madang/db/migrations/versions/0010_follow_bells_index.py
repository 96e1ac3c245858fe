"""follows: a partial index for followers who rang the bell

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_follows_bells", "follows", ["target_account_id"],
                    sqlite_where=sa.text("notify = 1"), postgresql_where=sa.text("notify"))


def downgrade() -> None:
    op.drop_index("ix_follows_bells", table_name="follows")
