"""Follows, follow requests, blocks and mutes between accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class _Pair(SnowflakePK):
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class Follow(_Pair, Base):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        # Fan-out walks an account's followers in id order, a slice at a time.
        Index("ix_follows_target_account_id_id", "target_account_id", "id"),
        # Each post asks whether any follower rang the bell: without this, a city account's
        # post would scan its 100,000 followers to find none.
        Index("ix_follows_bells", "target_account_id", sqlite_where=text("notify = 1"),
              postgresql_where=text("notify")),
        # Whether a local post must go out over federation at all: one probe of this index.
        Index("ix_follows_remote", "target_account_id", sqlite_where=text("remote = 1"),
              postgresql_where=text("remote")),
    )

    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Follow activity's id when one side is remote (an Accept or Undo names it).
    uri: Mapped[str | None] = mapped_column(String(500), default=None)
    # The follower is a remote account (its server gets the followee's posts).
    remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class FollowRequest(_Pair, Base):
    __tablename__ = "follow_requests"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    uri: Mapped[str | None] = mapped_column(String(500), default=None)


class Block(_Pair, Base):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)


class Mute(_Pair, Base):
    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    hide_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
