"""Publishing as an organisation: who wrote which post, drafts, approvals and the calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

# Announcement categories (codes; the Korean labels live in madang.office.categories).
CATEGORIES = ("culture", "welfare", "education", "transport", "events", "neighbourhood")
DRAFT_STATES = ("draft", "submitted", "returned", "approved", "scheduled", "published", "cancelled")
POST_KINDS = ("post", "reply", "reblog")


class OfficeSettings(Base):
    """Per organisation: whether a draft needs an approver before it goes out."""

    __tablename__ = "office_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True,
                                                 autoincrement=False)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    updated_at: Mapped[datetime]


class OfficeDraft(SnowflakePK, Base):
    """A post of the organisation before it goes out; its history is in office_draft_events."""

    __tablename__ = "office_drafts"
    __table_args__ = (
        Index("ix_office_drafts_organisation_id_state_updated_at", "organisation_id", "state", "updated_at"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    # The post answered (not a foreign key: the draft outlives a deleted post and says so).
    in_reply_to_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    category: Mapped[str | None] = mapped_column(String(20), default=None)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The scheduled_statuses row (deleted by the publishing job when it goes out: no foreign key).
    scheduled_status_id: Mapped[int | None] = mapped_column(BigInteger, index=True, default=None)
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"), index=True,
                                                  default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OfficeDraftMedia(Base):
    """A photo a draft keeps until it goes out (an approver sees it first): while the draft
    waits, the upload is neither swept as abandoned nor taken by another draft or schedule."""

    __tablename__ = "office_draft_media"

    media_attachment_id: Mapped[int] = mapped_column(
        ForeignKey("media_attachments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    draft_id: Mapped[int] = mapped_column(ForeignKey("office_drafts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)


class OfficeDraftEvent(SnowflakePK, Base):
    """One change of a draft; append-only. An edit keeps the text it replaced."""

    __tablename__ = "office_draft_events"

    draft_id: Mapped[int] = mapped_column(ForeignKey("office_drafts.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)  # None: the scheduler
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20), default=None)
    to_state: Mapped[str | None] = mapped_column(String(20), default=None)
    old_text: Mapped[str | None] = mapped_column(Text, default=None)
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")


class OfficePost(Base):
    """A status of the organisation account and the staff member who wrote it (never shown publicly)."""

    __tablename__ = "office_posts"
    __table_args__ = (Index("ix_office_posts_organisation_id_created_at", "organisation_id", "created_at"),)

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="post")
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("office_drafts.id", ondelete="SET NULL"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    category: Mapped[str | None] = mapped_column(String(20), default=None)
    created_at: Mapped[datetime]


class OfficeFavourite(SnowflakePK, Base):
    """Who favourited a post as the organisation (a favourite has no status of its own)."""

    __tablename__ = "office_favourites"
    __table_args__ = (Index("ix_office_favourites_organisation_id_status_id", "organisation_id", "status_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
