"""desk: canned answers and their changes; indexes for the dashboard (cases by received_at,
a case's events by action)

Revision ID: 0016
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0016"
down_revision = "0014"  # D5's 0015 (Open311) chose to follow this one: 0014 -> 0016 -> 0015
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_canned_answers",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=True),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["accounts.id"],
                                name=op.f("fk_desk_canned_answers_organisation_id_accounts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["department_id"], ["desk_departments.id"],
                                name=op.f("fk_desk_canned_answers_department_id_desk_departments")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["accounts.id"],
                                name=op.f("fk_desk_canned_answers_updated_by_id_accounts"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_canned_answers")),
    )
    op.create_index("ix_desk_canned_answers_organisation_id_title", "desk_canned_answers",
                    ["organisation_id", "title"], unique=False)
    op.create_table(
        "desk_canned_answer_changes",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("canned_answer_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["accounts.id"],
                                name=op.f("fk_desk_canned_answer_changes_organisation_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["accounts.id"],
                                name=op.f("fk_desk_canned_answer_changes_actor_id_accounts"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_canned_answer_changes")),
    )
    op.create_index(op.f("ix_desk_canned_answer_changes_organisation_id"), "desk_canned_answer_changes",
                    ["organisation_id"], unique=False)
    with op.batch_alter_table("desk_cases") as batch:
        batch.add_column(sa.Column("first_response_at", madang.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("first_response_hours", sa.Float(), nullable=True))
        batch.add_column(sa.Column("resolution_hours", sa.Float(), nullable=True))
    op.create_index("ix_desk_cases_organisation_id_received_at", "desk_cases",
                    ["organisation_id", "received_at"], unique=False)
    op.create_index("ix_desk_case_events_case_id_action_at", "desk_case_events",
                    ["case_id", "action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_desk_case_events_case_id_action_at", table_name="desk_case_events")
    op.drop_index("ix_desk_cases_organisation_id_received_at", table_name="desk_cases")
    with op.batch_alter_table("desk_cases") as batch:
        batch.drop_column("resolution_hours")
        batch.drop_column("first_response_hours")
        batch.drop_column("first_response_at")
    op.drop_index(op.f("ix_desk_canned_answer_changes_organisation_id"), table_name="desk_canned_answer_changes")
    op.drop_table("desk_canned_answer_changes")
    op.drop_index("ix_desk_canned_answers_organisation_id_title", table_name="desk_canned_answers")
    op.drop_table("desk_canned_answers")
