"""Home feed entries: which status (or reblog) is in whose home timeline."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base


class HomeFeedEntry(Base):
    """Written by fan-out; the primary key doubles as the timeline index."""

    __tablename__ = "home_feed_entries"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed on its own too: removing a post's entries, and SQLite's cascade when a boost row
    # is deleted, would otherwise read every feed entry (1.6 s on 13M entries).
    status_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The author of the status (or of the boosted status): lets unfollow, block and mute
    # remove or hide entries with one set-based statement.
    author_id: Mapped[int] = mapped_column(BigInteger, index=True)
