"""Units of work and SQLite's pragmas, as DESIGN.md asks for them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from madang.core.errors import Invalid
from madang.db import Database
from madang.db.database import after_commit
from madang.models import Tag
from madang.core.clock import utcnow


async def test_sqlite_connections_use_wal_and_wait_for_locks(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    for engine in (db.reader, db.writer):
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 10000
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
    await db.dispose()


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
