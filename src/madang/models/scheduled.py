"""Statuses kept until their time, and the uploads reserved for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class ScheduledStatus(SnowflakePK, Base):
    __tablename__ = "scheduled_statuses"
    __table_args__ = (Index("ix_scheduled_statuses_account_id_id", "account_id", "id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime]
    # What create_status will be called with (Mastodon's `params`), plus the site facts the
    # publishing job needs (a job gets only a session and a payload).
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Bumped on every reschedule: a publishing job carries the version it was queued for,
    # so the job of an earlier time does nothing.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]


class ScheduledStatusMedia(Base):
    """An upload reserved by a scheduled status: no other scheduled status can take it."""

    __tablename__ = "scheduled_status_media"

    media_attachment_id: Mapped[int] = mapped_column(
        ForeignKey("media_attachments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    scheduled_status_id: Mapped[int] = mapped_column(
        ForeignKey("scheduled_statuses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
