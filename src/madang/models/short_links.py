"""Short links (/s/<code>): the long URL, whose post it was made for, and clicks counted per day.

No IP address, user agent or other personal data is stored: a click only bumps a day's count."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class ShortLink(SnowflakePK, Base):
    __tablename__ = "short_links"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    url: Mapped[str] = mapped_column(Text)
    # The account the link belongs to (the organisation it was made for), and the post it was made
    # for when it was made while posting; analytics count clicks per account and per post.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True,
                                                   default=None)
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"), index=True,
                                                  default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime]


class ShortLinkDay(Base):
    """Clicks on one link on one day (Asia/Seoul)."""

    __tablename__ = "short_link_days"

    link_id: Mapped[int] = mapped_column(ForeignKey("short_links.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
