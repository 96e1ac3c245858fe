"""Trends: daily hashtag use, and the ranked tags and statuses the trends job last computed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base


class TagDayUse(Base):
    """How often a tag was used on one day of the instance's zone (public, live posts):
    ``uses`` posts, by ``accounts`` distinct accounts. Rewritten by the trends job."""

    __tablename__ = "tag_day_uses"

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    uses: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)


class TrendingTag(Base):
    """A tag on the trends list, at ``rank`` (0 first)."""

    __tablename__ = "trending_tags"

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime]


class TrendingStatus(Base):
    """A status on the trends list, at ``rank`` (0 first)."""

    __tablename__ = "trending_statuses"

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime]
