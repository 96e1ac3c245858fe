"""Outgoing activities: the JSON of one activity, stored once for all of its delivery jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class OutgoingActivity(SnowflakePK, Base):
    """The body every ``federation.deliver`` job of one activity POSTs (1,000 inboxes, ~20 jobs,
    one row). Kept until the last retry could have run; ``prune_outgoing_activities`` removes it."""

    __tablename__ = "outgoing_activities"
    __table_args__ = (Index("ix_outgoing_activities_created_at", "created_at"),)

    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
