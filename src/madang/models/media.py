"""Media attachments: uploaded photos, processed and stored, then attached to a status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

MEDIA_TYPES = ("image",)


class MediaAttachment(SnowflakePK, Base):
    __tablename__ = "media_attachments"
    __table_args__ = (
        # Serves both "the media of these statuses" and the sweep of never-attached uploads
        # (status_id IS NULL AND created_at < cutoff).
        Index("ix_media_attachments_status_id_created_at", "status_id", "created_at"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # NULL until a status takes it; an upload left unattached for a day is swept away.
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"), default=None)
    # Order within the status (0..3). NULL once an edit took it off the status: the row and
    # its files stay, as the record of what earlier revisions showed.
    position: Mapped[int | None] = mapped_column(Integer, default=None)
    type: Mapped[str] = mapped_column(String(10), default="image")
    content_type: Mapped[str] = mapped_column(String(50))
    file_key: Mapped[str] = mapped_column(String(200))
    file_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    small_key: Mapped[str] = mapped_column(String(200))
    small_content_type: Mapped[str] = mapped_column(String(50))
    small_width: Mapped[int] = mapped_column(Integer)
    small_height: Mapped[int] = mapped_column(Integer)
    blurhash: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime]
    # A remote post's media: where it lives. file_key stays "" until a job caches it here
    # (MADANG_REMOTE_MEDIA=cache), so readers' addresses never reach the remote server.
    remote_url: Mapped[str | None] = mapped_column(String(1000), default=None)
