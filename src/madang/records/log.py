"""The log of exports: who exported what, when, and the sum that proves which archive it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.models import Account
from madang.models.records import RecordsExport
from madang.records.scopes import Scope, require_exporter


def start_export(session: AsyncSession, *, actor: Account, organisation: Account, scope: Scope,
                 date_from: date, date_to: date, file_name: str) -> RecordsExport:
    entry = RecordsExport(account_id=actor.id, organisation_id=organisation.id, scope_kind=scope.kind,
                          scope_value=scope.value, date_from=date_from, date_to=date_to, started_at=utcnow(),
                          file_name=file_name)
    session.add(entry)
    return entry


async def finish_export(session: AsyncSession, *, export_id: int, size: int, manifest_sha256: str,
                        counts: dict[str, int]) -> RecordsExport:
    entry = await session.get(RecordsExport, export_id)
    assert entry is not None  # written by start_export in an earlier, committed unit
    entry.finished_at = utcnow()
    entry.size = size
    entry.manifest_sha256 = manifest_sha256
    entry.counts = counts
    await session.flush()
    return entry


@dataclass
class LoggedExport:
    entry: RecordsExport
    exported_by: Account


async def list_exports(session: AsyncSession, *, organisation: Account, actor: Account,
                       limit: int = 50) -> list[LoggedExport]:
    """The organisation's exports, newest first; only for those who may export."""
    await require_exporter(session, organisation=organisation, actor=actor)
    rows = await session.execute(
        select(RecordsExport, Account).join(Account, Account.id == RecordsExport.account_id)
        .where(RecordsExport.organisation_id == organisation.id)
        .order_by(RecordsExport.started_at.desc(), RecordsExport.id.desc()).limit(limit))
    return [LoggedExport(entry, who) for entry, who in rows]


def describe_counts(counts: dict[str, Any] | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in (counts or {}).items())
