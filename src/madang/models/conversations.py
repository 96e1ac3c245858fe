"""Conversations: one row per participant of a set of people writing direct statuses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class AccountConversation(SnowflakePK, Base):
    """Mastodon's AccountConversation: the owner's view of the direct statuses among one set
    of participants. ``participants_key`` is a digest of the sorted other participants' ids."""

    __tablename__ = "account_conversations"
    __table_args__ = (
        UniqueConstraint("account_id", "participants_key"),
        # The listing pages by the latest status, newest first.
        Index("ix_account_conversations_account_id_last_status_id", "account_id", "last_status_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    participants_key: Mapped[str] = mapped_column(String(64))
    participant_ids: Mapped[list] = mapped_column(JSON, default=list)  # the others, as ints
    last_status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    unread: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]
