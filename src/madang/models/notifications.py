"""Notifications to an account, and read markers of its timelines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

NOTIFICATION_TYPES = ("mention", "status", "reblog", "favourite", "follow", "follow_request", "update", "poll")


class Notification(SnowflakePK, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # Handlers are idempotent: the same event never notifies twice.
        UniqueConstraint("account_id", "type", "from_account_id", "activity_id"),
        Index("ix_notifications_account_id_id", "account_id", "id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True,
                                                  default=None)
    # What caused it (status, favourite or follow id): the idempotency key.
    activity_id: Mapped[int] = mapped_column(index=True)  # undoing a boost or favourite removes its notice
    created_at: Mapped[datetime]


class Marker(SnowflakePK, Base):
    __tablename__ = "markers"
    __table_args__ = (UniqueConstraint("account_id", "timeline"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    timeline: Mapped[str] = mapped_column(String(20))
    last_read_id: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime]
