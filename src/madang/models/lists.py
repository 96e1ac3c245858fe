"""Lists: named sets of accounts an account follows, and their members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

REPLIES_POLICIES = ("followed", "list", "none")


class List(SnowflakePK, Base):
    """Mastodon's List; private to its owner (``account_id``)."""

    __tablename__ = "lists"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    # followed | list | none: which replies to others the list timeline shows.
    replies_policy: Mapped[str] = mapped_column(String(10), default="list")
    # Members' posts leave the owner's home timeline.
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ListAccount(SnowflakePK, Base):
    """A member of a list. The row id is the cursor of the member listing."""

    __tablename__ = "list_accounts"
    __table_args__ = (UniqueConstraint("list_id", "account_id"),)

    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"))
    # Indexed alone: "which of my lists hold this account", unfollow's clean-up, exclusive lists.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
