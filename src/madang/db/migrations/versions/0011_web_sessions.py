"""oauth_access_tokens.user_agent: which browser a web session belongs to

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_access_tokens") as batch:
        batch.add_column(sa.Column("user_agent", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_access_tokens") as batch:
        batch.drop_column("user_agent")
