"""Filters (Mastodon 4's CustomFilter): keywords and statuses a reader is warned about or hides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

CONTEXTS = ("home", "notifications", "public", "thread", "account")
# blur came in Mastodon 4.4 (API version 5); clients that do not know it are never sent it by
# their own choice, so it is accepted and applied as a warning with the media blurred.
ACTIONS = ("warn", "hide", "blur")


class Filter(SnowflakePK, Base):
    """Private to its owner (``account_id``); applies in the contexts it names until it expires."""

    __tablename__ = "filters"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    # Comma-separated subset of CONTEXTS, in the order given: a tiny fixed set, read whole.
    context: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10), default="warn")
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime]

    @property
    def contexts(self) -> list[str]:
        return [c for c in self.context.split(",") if c]


class FilterKeyword(SnowflakePK, Base):
    __tablename__ = "filter_keywords"

    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"), index=True)
    keyword: Mapped[str] = mapped_column(String(255))
    whole_word: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class FilterStatus(SnowflakePK, Base):
    __tablename__ = "filter_statuses"
    __table_args__ = (UniqueConstraint("filter_id", "status_id"),)

    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
