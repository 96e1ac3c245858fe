"""desk: departments, staff, cases and their history, the untriaged inbox, closures, data-view audit

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import madang.models.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = madang.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_case_counters",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_case_counters_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "year", name=op.f("pk_desk_case_counters")
        ),
    )
    op.create_table(
        "desk_closures",
        sa.Column("organisation_id", sa.BigInteger(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_closures_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_closures")),
        sa.UniqueConstraint(
            "organisation_id", "day", name=op.f("uq_desk_closures_organisation_id_day")
        ),
    )
    op.create_index(
        op.f("ix_desk_closures_day"), "desk_closures", ["day"], unique=False
    )
    op.create_table(
        "desk_departments",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_departments_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_departments")),
        sa.UniqueConstraint(
            "organisation_id",
            "code",
            name=op.f("uq_desk_departments_organisation_id_code"),
        ),
    )
    op.create_table(
        "desk_cases",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("department_id", sa.BigInteger(), nullable=True),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("citizen_id", sa.BigInteger(), nullable=True),
        sa.Column("guest_name", sa.String(length=100), nullable=True),
        sa.Column("guest_email", sa.String(length=320), nullable=True),
        sa.Column("guest_phone", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_status_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("merged_into_id", sa.BigInteger(), nullable=True),
        sa.Column("waiting_since", UTC, nullable=True),
        sa.Column("answer_public", sa.Text(), nullable=True),
        sa.Column("answer_private", sa.Text(), nullable=True),
        sa.Column("answer_status_id", sa.BigInteger(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_status_id"],
            ["statuses.id"],
            name=op.f("fk_desk_cases_answer_status_id_statuses"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["accounts.id"],
            name=op.f("fk_desk_cases_assignee_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["accounts.id"],
            name=op.f("fk_desk_cases_citizen_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["desk_departments.id"],
            name=op.f("fk_desk_cases_department_id_desk_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["desk_cases.id"],
            name=op.f("fk_desk_cases_merged_into_id_desk_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_cases_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_status_id"],
            ["statuses.id"],
            name=op.f("fk_desk_cases_source_status_id_statuses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_cases")),
        sa.UniqueConstraint(
            "organisation_id",
            "number",
            name=op.f("uq_desk_cases_organisation_id_number"),
        ),
    )
    op.create_index(
        op.f("ix_desk_cases_assignee_id"), "desk_cases", ["assignee_id"], unique=False
    )
    op.create_index(
        op.f("ix_desk_cases_citizen_id"), "desk_cases", ["citizen_id"], unique=False
    )
    op.create_index(
        op.f("ix_desk_cases_department_id"),
        "desk_cases",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        "ix_desk_cases_organisation_id_status_due_at",
        "desk_cases",
        ["organisation_id", "status", "due_at"],
        unique=False,
    )
    op.create_table(
        "desk_staff",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_staff_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["desk_departments.id"],
            name=op.f("fk_desk_staff_department_id_desk_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_staff_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_staff")),
        sa.UniqueConstraint(
            "organisation_id",
            "account_id",
            name=op.f("uq_desk_staff_organisation_id_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_desk_staff_account_id"), "desk_staff", ["account_id"], unique=False
    )
    op.create_table(
        "desk_case_events",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=True),
        sa.Column("from_department_id", sa.BigInteger(), nullable=True),
        sa.Column("to_department_id", sa.BigInteger(), nullable=True),
        sa.Column("from_assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("to_assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("due_at", UTC, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["accounts.id"],
            name=op.f("fk_desk_case_events_actor_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["desk_cases.id"],
            name=op.f("fk_desk_case_events_case_id_desk_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_case_events")),
    )
    op.create_index(
        op.f("ix_desk_case_events_case_id"),
        "desk_case_events",
        ["case_id"],
        unique=False,
    )
    op.create_table(
        "desk_inbox",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("source_status_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_by_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_desk_inbox_author_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["desk_cases.id"],
            name=op.f("fk_desk_inbox_case_id_desk_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["accounts.id"],
            name=op.f("fk_desk_inbox_decided_by_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["accounts.id"],
            name=op.f("fk_desk_inbox_organisation_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_status_id"],
            ["statuses.id"],
            name=op.f("fk_desk_inbox_source_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_inbox")),
        sa.UniqueConstraint(
            "organisation_id",
            "source_status_id",
            name=op.f("uq_desk_inbox_organisation_id_source_status_id"),
        ),
    )
    op.create_index(
        "ix_desk_inbox_organisation_id_state_received_at",
        "desk_inbox",
        ["organisation_id", "state", "received_at"],
        unique=False,
    )
    op.create_table(
        "desk_personal_data_views",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_personal_data_views_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["desk_cases.id"],
            name=op.f("fk_desk_personal_data_views_case_id_desk_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_personal_data_views")),
    )
    op.create_index(
        op.f("ix_desk_personal_data_views_case_id"),
        "desk_personal_data_views",
        ["case_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_desk_personal_data_views_case_id"),
        table_name="desk_personal_data_views",
    )
    op.drop_table("desk_personal_data_views")
    op.drop_index(
        "ix_desk_inbox_organisation_id_state_received_at", table_name="desk_inbox"
    )
    op.drop_table("desk_inbox")
    op.drop_index(op.f("ix_desk_case_events_case_id"), table_name="desk_case_events")
    op.drop_table("desk_case_events")
    op.drop_index(op.f("ix_desk_staff_account_id"), table_name="desk_staff")
    op.drop_table("desk_staff")
    op.drop_index(
        "ix_desk_cases_organisation_id_status_due_at", table_name="desk_cases"
    )
    op.drop_index(op.f("ix_desk_cases_department_id"), table_name="desk_cases")
    op.drop_index(op.f("ix_desk_cases_citizen_id"), table_name="desk_cases")
    op.drop_index(op.f("ix_desk_cases_assignee_id"), table_name="desk_cases")
    op.drop_table("desk_cases")
    op.drop_table("desk_departments")
    op.drop_index(op.f("ix_desk_closures_day"), table_name="desk_closures")
    op.drop_table("desk_closures")
    op.drop_table("desk_case_counters")
