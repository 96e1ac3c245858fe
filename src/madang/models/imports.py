"""Imports of Mastodon's CSV lists (following, blocks, mutes): one row per upload and one per
address in it, each address done or failed by the import job (Mastodon's bulk_imports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class BulkImport(SnowflakePK, Base):
    """``kind``: following | blocking | muting; ``mode``: merge | overwrite (what the list does
    not name is undone once every address has been tried)."""

    __tablename__ = "bulk_imports"
    __table_args__ = (Index("ix_bulk_imports_account_id_id", "account_id", "id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | finished
    total_items: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class BulkImportRow(SnowflakePK, Base):
    """One address of an import. ``state``: pending | done | failed; ``reason`` says why it
    failed (not_found, unreachable, refused)."""

    __tablename__ = "bulk_import_rows"
    __table_args__ = (UniqueConstraint("import_id", "position"),
                      Index("ix_bulk_import_rows_import_id_state", "import_id", "state"))

    import_id: Mapped[int] = mapped_column(ForeignKey("bulk_imports.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    acct: Mapped[str] = mapped_column(String(400))
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str | None] = mapped_column(String(20), default=None)
    target_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"),
                                                          default=None)
