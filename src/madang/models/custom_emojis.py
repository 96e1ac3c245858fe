"""Custom emoji: local ones (domain NULL) and remote ones met in posts and profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class CustomEmoji(SnowflakePK, Base):
    """One image per (shortcode, domain), as Mastodon keys them. A remote emoji's image is
    cached here by a job (``file_key``), or only linked (``link_only``) when the server keeps
    remote media as links; an emoji with neither is not shown yet."""

    __tablename__ = "custom_emojis"
    __table_args__ = (UniqueConstraint("shortcode", "domain"),)

    shortcode: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str | None] = mapped_column(String(255), default=None)
    uri: Mapped[str | None] = mapped_column(String(500), default=None)
    image_remote_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    # The cached (or uploaded) image under /media/: original and a still/small rendition.
    file_key: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    static_key: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    content_type: Mapped[str] = mapped_column(String(50), default="", server_default=text("''"))
    file_size: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    link_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    visible_in_picker: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
