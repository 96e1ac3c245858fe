"""The civic desk (민원): an organisation's departments and staff, cases and their history, the
untriaged inbox, office closures and the audit of who looked at a citizen's personal data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

STAFF_ROLES = ("office_admin", "triager", "officer", "read_only")
# The communication office's roles (issue 7), a second role beside the desk role; office_admin
# (the desk role) has every office right.
OFFICE_ROLES = ("publisher", "approver", "responder", "read_only")
CHANNELS = ("mention", "direct", "web", "phone", "visit", "open311")
KINDS = ("question_law", "question_procedure", "suggestion", "grievance", "other")
CASE_STATUSES = ("received", "assigned", "in_progress", "waiting_for_citizen", "answered", "closed",
                 "transferred", "merged")
INBOX_STATES = ("untriaged", "case", "not_a_case")


class Department(SnowflakePK, Base):
    __tablename__ = "desk_departments"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Departments are retired, never deleted: old cases keep pointing at them.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class StaffMember(SnowflakePK, Base):
    __tablename__ = "desk_staff"
    __table_args__ = (UniqueConstraint("organisation_id", "account_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("desk_departments.id"), default=None)
    created_at: Mapped[datetime]
    office_role: Mapped[str | None] = mapped_column(String(20), default=None)  # OFFICE_ROLES


class CaseCounter(Base):
    """The last case number given per organisation and year; bumped in the transaction that
    opens a case, so numbers are gap-free and two openings never share one."""

    __tablename__ = "desk_case_counters"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(SnowflakePK, Base):
    __tablename__ = "desk_cases"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        Index("ix_desk_cases_organisation_id_status_due_at", "organisation_id", "status", "due_at"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20))  # YYYY-NNNNNN
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(String(50), default=None)  # the Open311 service code
    department_id: Mapped[int | None] = mapped_column(ForeignKey("desk_departments.id"), index=True, default=None)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True, default=None)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True, default=None)
    # A guest's contact: private, never shown publicly.
    guest_name: Mapped[str | None] = mapped_column(String(100), default=None)
    guest_email: Mapped[str | None] = mapped_column(String(320), default=None)
    guest_phone: Mapped[str | None] = mapped_column(String(40), default=None)
    # The question as the citizen wrote it (unmasked: shown to staff, each view audited).
    description: Mapped[str] = mapped_column(Text, default="")
    # The same, masked (desk.privacy.public_text) when it is written: what every public surface
    # shows, read as it is instead of masked again on every read (issue 13).
    description_public: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id"), index=True, default=None)
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(30), default="received")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("desk_cases.id"), default=None)
    waiting_since: Mapped[datetime | None] = mapped_column(default=None)
    answer_public: Mapped[str | None] = mapped_column(Text, default=None)  # masked
    answer_private: Mapped[str | None] = mapped_column(Text, default=None)  # as the officer wrote it
    answer_status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id"), index=True, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # Kept when they happen (desk.durations), so the dashboard reads numbers instead of
    # counting working hours for every case of the range on every view.
    first_response_at: Mapped[datetime | None] = mapped_column(default=None)
    first_response_hours: Mapped[float | None] = mapped_column(Float, default=None)  # working hours
    resolution_hours: Mapped[float | None] = mapped_column(Float, default=None)  # working hours
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)  # 1-5
    rating_comment: Mapped[str | None] = mapped_column(Text, default=None)
    rated_at: Mapped[datetime | None] = mapped_column(default=None)
    # What the web form asks beyond the text (an Open311 request keeps these on its own row):
    # where, the category's attribute values ({code: value}), and a photo (re-encoded without
    # EXIF/GPS, keys in the media store).
    address: Mapped[str | None] = mapped_column(String(500), default=None)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    long: Mapped[float | None] = mapped_column(Float, default=None)
    attribute_values: Mapped[dict | None] = mapped_column(JSON, default=None)
    photo_key: Mapped[str | None] = mapped_column(String(200), default=None)
    photo_small_key: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseEvent(SnowflakePK, Base):
    """One change of a case; append-only, the case's history."""

    __tablename__ = "desk_case_events"

    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id", ondelete="CASCADE"), index=True)
    # Who did it (a staff member, or the citizen rating); None for the system itself.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30), default=None)
    to_status: Mapped[str | None] = mapped_column(String(30), default=None)
    from_department_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    to_department_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    from_assignee_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    to_assignee_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)  # the due date after this change
    note: Mapped[str] = mapped_column(Text, default="")


class InboxItem(SnowflakePK, Base):
    """A post or direct message addressed to an organisation, waiting for a triager."""

    __tablename__ = "desk_inbox"
    __table_args__ = (
        UniqueConstraint("organisation_id", "source_status_id"),
        Index("ix_desk_inbox_organisation_id_state_received_at", "organisation_id", "state", "received_at"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source_status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="untriaged")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("desk_cases.id"), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class Closure(SnowflakePK, Base):
    """A day the office is closed beyond the public holidays; organisation None: every desk."""

    __tablename__ = "desk_closures"
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)

    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                                        default=None)
    day: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(100))


class PersonalDataView(SnowflakePK, Base):
    """A staff member saw a case's unmasked personal data (민원처리법 제7조: access is logged)."""

    __tablename__ = "desk_personal_data_views"

    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime]


class PublishedContact(SnowflakePK, Base):
    """A phone number or e-mail address the organisation (or one department of it) publishes:
    not personal data, so masking leaves it as it is in what the organisation says (decision 0028)."""

    __tablename__ = "desk_published_contacts"
    __table_args__ = (UniqueConstraint("organisation_id", "department_id", "value"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # None: the whole organisation's.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("desk_departments.id", ondelete="CASCADE"),
                                                      default=None)
    value: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
