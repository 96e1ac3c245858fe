"""Units of work and SQLite's pragmas, as DESIGN.md asks for them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from madang.core.errors import Invalid
from madang.db import Database
from madang.db.database import after_commit
from madang.models import Tag
from madang.core.clock import utcnow


async def test_sqlite_connections_use_wal_and_wait_for_locks(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    # The writer never waits inside SQLite (it would block the event loop): it retries
    # BEGIN IMMEDIATE by sleeping on the loop instead (see the next test).
    for engine, busy in ((db.read_sync_engine, 10000), (db.write_sync_engine, 0)):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == busy
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    await db.dispose()


async def test_a_writer_waits_for_another_process_without_stopping_the_loop(sqlite_url: str) -> None:
    """Two Database objects stand for two processes. While one holds the write lock and
    awaits, the other's unit of work waits its turn, and the event loop keeps running."""
    first, second = Database(sqlite_url), Database(sqlite_url)
    ticks: list[int] = []

    async def ticker() -> None:
        for n in range(20):
            ticks.append(n)
            await asyncio.sleep(0.005)

    async def hold() -> None:
        async with first.write() as session:
            session.add(Tag(key="첫째", name="첫째", created_at=utcnow()))
            await asyncio.sleep(0.1)

    async def follow() -> None:
        await asyncio.sleep(0.01)
        async with second.write() as session:
            session.add(Tag(key="둘째", name="둘째", created_at=utcnow()))

    await asyncio.gather(hold(), follow(), ticker())
    async with second.read() as session:
        assert sorted(await session.scalars(select(Tag.key))) == ["둘째", "첫째"]
    assert len(ticks) == 20
    await first.dispose()
    await second.dispose()


async def test_a_failed_unit_of_work_writes_nothing_and_runs_no_callbacks(db: Database) -> None:
    ran: list[str] = []
    with pytest.raises(Invalid):
        async with db.write() as session:
            session.add(Tag(key="안양", name="안양", created_at=utcnow()))
            await session.flush()
            after_commit(session, lambda: ran.append("rolled back"))
            raise Invalid("stop")
    async with db.write() as session:
        session.add(Tag(key="평촌", name="평촌", created_at=utcnow()))
        after_commit(session, lambda: ran.append("committed"))
    async with db.read() as session:
        keys = list(await session.scalars(select(Tag.key)))
        assert await session.scalar(select(func.count()).select_from(Tag)) == 1
    assert keys == ["평촌"] and ran == ["committed"]
