"""The city blog: feeds an organisation follows and the entries already posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class BlogFeed(SnowflakePK, Base):
    """An RSS or Atom feed whose new entries the organisation posts, polled every few minutes."""

    __tablename__ = "blog_feeds"
    __table_args__ = (UniqueConstraint("organisation_id", "url"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Conditional GET: the server's validators from the last successful fetch.
    etag: Mapped[str | None] = mapped_column(String(500), default=None)
    modified: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime]


class BlogEntry(SnowflakePK, Base):
    """An entry of a feed seen once. UNIQUE(feed_id, key) is what posts an entry at most once,
    even when two workers poll the same feed at the same time. ``posted_at`` is null for the
    entries that were already in the feed when it was added (seen, never announced)."""

    __tablename__ = "blog_entries"
    __table_args__ = (UniqueConstraint("feed_id", "key"),)

    feed_id: Mapped[int] = mapped_column(ForeignKey("blog_feeds.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"), index=True,
                                                  default=None)
    short_link_id: Mapped[int | None] = mapped_column(ForeignKey("short_links.id", ondelete="SET NULL"),
                                                      default=None)
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
