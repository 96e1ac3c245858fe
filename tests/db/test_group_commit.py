"""Write units that queue behind each other share one COMMIT (db.group_commit on SQLite);
each must still behave as its own transaction to its caller."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from madang.core.clock import utcnow
from madang.db import Database
from madang.db.database import after_commit
from madang.models import Tag


async def _count(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(Tag)))


async def test_a_burst_of_units_all_commit_and_a_failing_one_changes_nothing(db: Database) -> None:
    seen: list[int] = []

    async def unit(n: int) -> None:
        async with db.write() as s:
            s.add(Tag(key=f"tag{n}", name=f"태그{n}", created_at=utcnow()))
            await s.flush()
            after_commit(s, lambda: seen.append(n))
            if n == 3:
                raise ValueError("this unit fails")
        # Returned: committed, and visible to a new read at once.
        async with db.read() as r:
            assert await r.scalar(select(Tag.name).where(Tag.key == f"tag{n}")) == f"태그{n}"

    results = await asyncio.gather(*(unit(n) for n in range(12)), return_exceptions=True)
    assert [type(r) for r in results].count(ValueError) == 1 and isinstance(results[3], ValueError)
    assert all(r is None for i, r in enumerate(results) if i != 3)
    assert sorted(seen) == [n for n in range(12) if n != 3]  # callbacks of committed units only
    assert await _count(db) == 11
    async with db.read() as r:
        assert await r.scalar(select(Tag.id).where(Tag.key == "tag3")) is None


async def test_a_failing_callback_is_its_own_units_error(db: Database) -> None:
    async def good() -> None:
        async with db.write() as s:
            s.add(Tag(key="good", name="좋음", created_at=utcnow()))

    async def bad_callback() -> None:
        async with db.write() as s:
            s.add(Tag(key="cb", name="콜백", created_at=utcnow()))

            def boom() -> None:
                raise RuntimeError("callback failed")
            after_commit(s, boom)

    results = await asyncio.gather(good(), bad_callback(), good(), return_exceptions=True)
    assert isinstance(results[1], RuntimeError) and results[0] is None
    assert isinstance(results[2], Exception)  # the second "good" hits the unique key: its own error
    assert await _count(db) == 2  # "good" once and "cb" (committed before its callback ran)


async def test_units_one_after_another_still_commit_each(db: Database) -> None:
    for n in range(3):
        async with db.write() as s:
            s.add(Tag(key=f"seq{n}", name=f"순서{n}", created_at=utcnow()))
        assert await _count(db) == n + 1
