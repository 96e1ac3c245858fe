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


class ReadTimeAuthor(Base):
    """An account whose posts are merged into its followers' home timelines when read, not
    written to their feeds (decision 0068): marked on its first post with more followers than
    MADANG_FANOUT_READ_TIME_THRESHOLD, and never unmarked, so no post of it is ever in neither
    place. Its posts older than ``since_status_id`` were written out as usual and stay there."""

    __tablename__ = "read_time_authors"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # The first post not written to feeds: reads merge this one and later ones.
    since_status_id: Mapped[int] = mapped_column(BigInteger)
