"""Reports: what an account tells the moderators about another account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

REPORT_CATEGORIES = ("spam", "legal", "violation", "other")


class Report(SnowflakePK, Base):
    __tablename__ = "reports"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    status_ids: Mapped[list] = mapped_column(JSON, default=list)  # of the target's statuses, as ints
    rule_ids: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="other")
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False)
    action_taken_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
