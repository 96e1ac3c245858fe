"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Insert, Select


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_ignore(session: AsyncSession, table: Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, for idempotent writes (tags, feed entries)."""
    if _dialect(session) == "postgresql":
        return _IgnoringInsert(postgresql.insert(table))
    return _IgnoringInsert(sqlite.insert(table))


class _IgnoringInsert:
    def __init__(self, stmt: Any) -> None:
        self._stmt = stmt

    def values(self, *args: Any, **kwargs: Any) -> Insert:
        return self._stmt.values(*args, **kwargs).on_conflict_do_nothing()

    def from_select(self, names: list[str], select: Select) -> Insert:
        return self._stmt.from_select(names, select).on_conflict_do_nothing()


async def lock_for_transaction(session: AsyncSession, name: str) -> None:
    """Until this transaction ends, others asking for the same ``name`` wait (PostgreSQL's
    transaction-scoped advisory lock). On SQLite writers are one at a time anyway: no-op."""
    if _dialect(session) != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    await session.execute(select(func.pg_advisory_xact_lock(key)))
