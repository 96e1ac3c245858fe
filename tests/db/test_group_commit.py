"""Group commit (db.group_commit): writes that wait together share one COMMIT, and each is
still all or nothing for its own caller."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, func, select

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.db import Database
from madang.db.database import after_commit
from madang.models import Tag


def _adder(key: str, ran: list[str], *, fail: bool = False):  # type: ignore[no-untyped-def]
    async def work(session):  # type: ignore[no-untyped-def]
        session.add(Tag(key=key, name=key, created_at=utcnow()))
        await session.flush()
        after_commit(session, lambda: ran.append(key))
        if fail:
            raise Invalid(f"{key} is refused")
        return key
    return work


async def _keys(db: Database) -> list[str]:
    async with db.read() as session:
        return sorted(await session.scalars(select(Tag.key)))


async def test_writes_waiting_together_share_one_commit_and_fail_alone(db: Database) -> None:
    commits: list[int] = []
    event.listen(db.write_sync_engine, "commit", lambda _conn: commits.append(1))
    ran: list[str] = []
    results = await asyncio.gather(
        db.write_grouped(_adder("안양", ran)),
        db.write_grouped(_adder("평촌", ran, fail=True)),
        db.write_grouped(_adder("범계", ran)),
        return_exceptions=True,
    )
    assert results[0] == "안양" and results[2] == "범계"
    assert isinstance(results[1], Invalid) and "평촌" in str(results[1])  # the failing caller hears its own error
    # The refused write left no row and its after-commit callback never ran.
    assert await _keys(db) == ["범계", "안양"]
    assert sorted(ran) == ["범계", "안양"]
    if db.is_sqlite:
        assert len(commits) == 1
    else:  # PostgreSQL: each call is its own unit of work
        assert len(commits) == 2


async def test_no_caller_hears_of_success_before_the_commit(sqlite_url: str) -> None:
    """A reader in the same process sees nothing of the group until every caller in it is
    answered, and then sees all of it."""
    db = Database(sqlite_url)
    ran: list[str] = []
    seen_when_answered: list[list[str]] = []

    async def call(key: str) -> None:
        await db.write_grouped(_adder(key, ran))
        seen_when_answered.append(await _keys(db))

    await asyncio.gather(*(call(f"태그{i}") for i in range(5)))
    assert all(len(seen) == 5 for seen in seen_when_answered)
    await db.dispose()


async def test_a_group_is_bounded_and_later_callers_get_the_next_unit(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db._group_commit._max_group = 3
    commits: list[int] = []
    event.listen(db.write_sync_engine, "commit", lambda _conn: commits.append(1))
    ran: list[str] = []
    assert await asyncio.gather(*(db.write_grouped(_adder(f"t{i}", ran)) for i in range(7))) == \
        [f"t{i}" for i in range(7)]
    assert len(commits) == 3  # 3 + 3 + 1
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Tag)) == 7
    await db.dispose()


async def test_a_failed_commit_fails_every_caller_of_the_group(sqlite_url: str) -> None:
    """If the shared unit itself cannot commit, no caller is told its write stands."""
    db = Database(sqlite_url)

    def refuse(_conn) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    event.listen(db.write_sync_engine, "commit", refuse)
    ran: list[str] = []
    results = await asyncio.gather(db.write_grouped(_adder("하나", ran)), db.write_grouped(_adder("둘", ran)),
                                   return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert ran == []
    event.remove(db.write_sync_engine, "commit", refuse)
    assert await _keys(db) == []
    # The next group works again.
    assert await db.write_grouped(_adder("셋", ran)) == "셋"
    assert await _keys(db) == ["셋"]
    await db.dispose()


@pytest.mark.parametrize("fail_first", [True, False])
async def test_a_group_survives_a_failure_in_any_position(sqlite_url: str, fail_first: bool) -> None:
    db = Database(sqlite_url)
    ran: list[str] = []
    works = [_adder("가", ran, fail=fail_first), _adder("나", ran), _adder("다", ran, fail=not fail_first)]
    results = await asyncio.gather(*(db.write_grouped(w) for w in works), return_exceptions=True)
    assert [isinstance(r, Invalid) for r in results] == [fail_first, False, not fail_first]
    assert await _keys(db) == sorted(["나", "다" if fail_first else "가"])
    await db.dispose()


async def test_two_processes_grouping_at_once_both_land_every_write(sqlite_url: str) -> None:
    """Two Database objects stand for two server processes taking turns at SQLite's writer:
    each groups its own callers, waits for the other's lock on the loop, and loses nothing."""
    first, second = Database(sqlite_url), Database(sqlite_url)
    ran: list[str] = []
    results = await asyncio.gather(*(db.write_grouped(_adder(f"{name}{i}", ran))
                                     for i in range(10) for db, name in ((first, "가"), (second, "나"))))
    assert sorted(results) == sorted(f"{n}{i}" for i in range(10) for n in "가나")
    assert len(await _keys(first)) == 20 and sorted(ran) == sorted(results)
    await first.dispose()
    await second.dispose()
