"""The live monitor: watched hashtags and keywords, and staff's handled marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

WATCH_KINDS = ("hashtag", "keyword")


class MonitorWatch(SnowflakePK, Base):
    """A hashtag or a keyword an organisation's office watches besides its mentions and replies."""

    __tablename__ = "monitor_watches"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "value"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(100))  # a tag's key, or a case-folded keyword
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime]


class MonitorMark(Base):
    """A post an office has dealt with, and who marked it (every watcher sees it)."""

    __tablename__ = "monitor_marks"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    handled_at: Mapped[datetime]


class MonitorAssignment(Base):
    """A post on an office's monitor given to one staff member to deal with (decision 0047).
    Apart from MonitorMark, whose row's existence means handled: an item may be assigned and
    not yet handled, handled and still show who had it."""

    __tablename__ = "monitor_assignments"
    # "Assigned to me", newest first.
    __table_args__ = (Index("ix_monitor_assignments_assignee", "organisation_id", "assigned_to_id", "status_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    assigned_at: Mapped[datetime]
