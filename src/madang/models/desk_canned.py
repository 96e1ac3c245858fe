"""Canned answers of a desk: texts the office keeps per category or department, and who changed them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK
from madang.models.desk import Case, CaseEvent


class CannedAnswer(SnowflakePK, Base):
    __tablename__ = "desk_canned_answers"
    __table_args__ = (Index("ix_desk_canned_answers_organisation_id_title", "organisation_id", "title"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Either may be empty: an answer for every department, or for every category.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("desk_departments.id"), default=None)
    category: Mapped[str | None] = mapped_column(String(50), default=None)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CannedAnswerChange(SnowflakePK, Base):
    """One add, edit or delete of a canned answer: append-only, so a deleted text is still on record."""

    __tablename__ = "desk_canned_answer_changes"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # No foreign key: the answer may be deleted, its changes stay.
    canned_answer_id: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(10))  # add | edit | delete
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


# The dashboard's indexes on the case tables (migration 0016). They live here, beside the
# dashboard's own table, so that models/desk.py stays as landed; the lead may move them there.
# Cases received in a date range, per organisation (the weekly response times):
Index("ix_desk_cases_organisation_id_received_at", Case.organisation_id, Case.received_at)
# A case's first answer or request for more information, read from the index alone:
Index("ix_desk_case_events_case_id_action_at", CaseEvent.case_id, CaseEvent.action, CaseEvent.at)
