"""Polls attached to statuses: the poll, its options with their tallies, and the votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class Poll(SnowflakePK, Base):
    __tablename__ = "polls"

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_totals: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime]
    # Counters kept with each vote (one UPDATE), so showing a poll never counts its votes.
    votes_count: Mapped[int] = mapped_column(Integer, default=0)
    voters_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class PollOption(Base):
    __tablename__ = "poll_options"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    votes_count: Mapped[int] = mapped_column(Integer, default=0)


class PollVote(SnowflakePK, Base):
    __tablename__ = "poll_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "account_id", "choice"),
        # "Who voted" (the end-of-poll notification) and "what did I choose" (own_votes).
        Index("ix_poll_votes_account_id_poll_id", "account_id", "poll_id"),
    )

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    choice: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
