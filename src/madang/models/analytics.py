"""Analytics kept as daily counts per account and per post, and account health alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class AccountDay(Base):
    """One account's day (Asia/Seoul): followers at the end of it and what happened in it."""

    __tablename__ = "analytics_account_days"
    # SQLite: the rows are stored in primary-key order, so a year of one account is one short
    # contiguous read (no rowid lookups). PostgreSQL ignores the option.
    __table_args__ = ({"sqlite_with_rowid": False},)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    followers: Mapped[int] = mapped_column(Integer, default=0)
    # True when `followers` was rebuilt from follows.created_at (a day before the first run):
    # people who followed then and left since are missing from it, and no loss is known.
    followers_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    new_followers: Mapped[int] = mapped_column(Integer, default=0)
    lost_followers: Mapped[int] = mapped_column(Integer, default=0)
    posts: Mapped[int] = mapped_column(Integer, default=0)
    replies_received: Mapped[int] = mapped_column(Integer, default=0)
    favourites_received: Mapped[int] = mapped_column(Integer, default=0)
    reblogs_received: Mapped[int] = mapped_column(Integer, default=0)
    link_clicks: Mapped[int] = mapped_column(Integer, default=0)
    # Of the above, what came from accounts on other servers (federation).
    remote_new_followers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    remote_interactions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AccountHour(Base):
    """Interactions (favourites, boosts, replies) an account received in one Seoul hour of a day;
    hours with none have no row."""

    __tablename__ = "analytics_account_hours"
    __table_args__ = ({"sqlite_with_rowid": False},)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    interactions: Mapped[int] = mapped_column(Integer, default=0)


class StatusDay(Base):
    """One post's day; days with nothing have no row."""

    __tablename__ = "analytics_status_days"
    # A range's top posts are summed over (account, day): the index carries the counts too, so
    # the sum reads the index alone.
    __table_args__ = (Index("ix_analytics_status_days_account_id_day", "account_id", "day", "status_id",
                            "favourites", "reblogs", "replies", "link_clicks"),
                      {"sqlite_with_rowid": False})

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    favourites: Mapped[int] = mapped_column(Integer, default=0)
    reblogs: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    link_clicks: Mapped[int] = mapped_column(Integer, default=0)


HEALTH_KINDS = ("silent", "profile_word", "no_avatar")


class HealthAlert(SnowflakePK, Base):
    """Something wrong with an organisation's or verified account's profile; open until fixed."""

    __tablename__ = "health_alerts"
    __table_args__ = (
        # At most one open alert per account and kind: a check run twice raises nothing new.
        Index("ix_health_alerts_open", "account_id", "kind", unique=True,
              sqlite_where=text("resolved_at IS NULL"), postgresql_where=text("resolved_at IS NULL")),
        Index("ix_health_alerts_raised_at", "raised_at"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime]
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
