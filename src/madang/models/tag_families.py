"""Hashtag families (decision 0063): tags the office joined because they mean one place or thing
(`#anyang`, `#안양`, `#안양시`). A tag is in at most one family; every change is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class TagFamily(SnowflakePK, Base):
    """One family; ``lead_tag_id`` is the tag it is shown and counted under (trends)."""

    __tablename__ = "tag_families"

    lead_tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class TagFamilyMember(Base):
    """A tag's family: the primary key keeps a tag in one family at most."""

    __tablename__ = "tag_family_members"

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("tag_families.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime]


class TagFamilyEvent(SnowflakePK, Base):
    """Append-only history: who joined or removed which tag, when. Kept after the family is gone
    (no foreign keys: the names are copied)."""

    __tablename__ = "tag_family_events"
    __table_args__ = (Index("ix_tag_family_events_family_id", "family_id"),)

    family_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(20))  # joined, removed
    tag_name: Mapped[str] = mapped_column(String(200))
    lead_name: Mapped[str] = mapped_column(String(200))  # the family's lead tag at the time
    actor_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_acct: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime]
