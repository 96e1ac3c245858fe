"""Records: the log of who exported what."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

SCOPE_KINDS = ("account", "tag", "case")


class RecordsExport(SnowflakePK, Base):
    """One export of an organisation's records, written when it starts (so an export that
    failed half-way is logged too) and completed when the archive is whole."""

    __tablename__ = "records_exports"
    __table_args__ = (Index("ix_records_exports_organisation_id_started_at", "organisation_id", "started_at"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))  # who exported
    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scope_kind: Mapped[str] = mapped_column(String(10))
    scope_value: Mapped[str] = mapped_column(String(200))
    date_from: Mapped[date | None] = mapped_column(Date, default=None)  # Seoul days, inclusive
    date_to: Mapped[date | None] = mapped_column(Date, default=None)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    counts: Mapped[dict | None] = mapped_column(JSON, default=None)  # rows per file
