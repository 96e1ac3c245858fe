"""status_edits: what each revision showed besides its text (attachments, their alt text, poll options)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: not recorded (revisions written before this, or a revision not yet followed by an
    # edit: the status itself still shows it). Plain ALTERs: SQLite adds nullable columns in place.
    op.add_column("status_edits", sa.Column("media_attachment_ids", sa.JSON(), nullable=True))
    op.add_column("status_edits", sa.Column("media_descriptions", sa.JSON(), nullable=True))
    op.add_column("status_edits", sa.Column("poll_options", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_edits") as batch:
        batch.drop_column("poll_options")
        batch.drop_column("media_descriptions")
        batch.drop_column("media_attachment_ids")
