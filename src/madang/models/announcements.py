"""Instance announcements (Mastodon's): a notice to everyone on the server for a while — a heat
wave, a road closed — with people's emoji reactions and who has dismissed it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class Announcement(SnowflakePK, Base):
    """Shown while published and between ``starts_at`` and ``ends_at`` (either may be open)."""

    __tablename__ = "announcements"

    text: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)  # the text as HTML: links, hashtags, mentions
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(default=None)  # None: a draft
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)


class AnnouncementReaction(SnowflakePK, Base):
    __tablename__ = "announcement_reactions"
    __table_args__ = (UniqueConstraint("announcement_id", "account_id", "name"),
                      Index("ix_announcement_reactions_announcement_id_name", "announcement_id", "name"))

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class AnnouncementDismissal(Base):
    __tablename__ = "announcement_dismissals"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"),
                                                 primary_key=True)
