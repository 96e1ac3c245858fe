"""Unit-free handlers: called with the Database and no unit open, retried like any other."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from madang.core.clock import FrozenClock, utcnow
from madang.db import Database
from madang.jobs import Worker, enqueue, handler
from tests.jobs.conftest import count_accounts, load_job, make_account, unique_name


async def _write_account(db: Database, username: str) -> None:
    # Bounded: if the worker still held a write unit, on SQLite this would wait for ever.
    async with asyncio.timeout(5):
        async with db.write() as session:
            make_account(session, username)


async def test_raises_twice_then_succeeds(db: Database, frozen: FrozenClock) -> None:
    name = unique_name("unitfree")
    runs: list[dict] = []

    @handler(name, unit=False)
    async def flaky(database, payload):  # type: ignore[no-untyped-def]
        assert database is db
        runs.append(payload)
        await _write_account(database, f"run{len(runs)}")  # its own unit: commits even if it fails after
        if len(runs) < 3:
            raise ConnectionError(f"push service down (run {len(runs)})")

    async with db.write() as session:
        job = await enqueue(session, name, {"to": "서울"})
    worker = Worker(db)

    assert await worker.run_until_idle() == 1
    first = await load_job(db, job.id)
    assert (first.state, first.attempts, first.locked_by) == ("pending", 1, None)
    assert "ConnectionError: push service down (run 1)" in first.last_error
    assert timedelta(seconds=4) <= first.run_at - utcnow() <= timedelta(seconds=4.4)
    assert await count_accounts(db, "run1") == 1

    assert await worker.run_until_idle() == 0  # not due yet
    frozen.advance(seconds=5)
    assert await worker.run_until_idle() == 1
    second = await load_job(db, job.id)
    assert (second.state, second.attempts) == ("pending", 2)
    assert "run 2" in second.last_error
    assert timedelta(seconds=8) <= second.run_at - utcnow() <= timedelta(seconds=8.8)

    frozen.advance(seconds=9)
    assert await worker.run_until_idle() == 1
    done = await load_job(db, job.id)
    assert (done.state, done.attempts, done.finished_at) == ("done", 3, utcnow())
    assert runs == [{"to": "서울"}] * 3


async def test_always_raising_fails_after_max_attempts(db: Database, frozen: FrozenClock) -> None:
    name = unique_name("unitfree")
    runs: list[int] = []

    @handler(name, max_attempts=3, unit=False)
    async def broken(database, payload):  # type: ignore[no-untyped-def]
        runs.append(1)
        raise ValueError("no such subscription")

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = Worker(db)
    for _ in range(6):
        await worker.run_until_idle()
        frozen.advance(hours=2)

    failed = await load_job(db, job.id)
    assert (failed.state, failed.attempts, failed.max_attempts) == ("failed", 3, 3)
    assert len(runs) == 3
    assert "ValueError: no such subscription" in failed.last_error


async def test_runs_beside_ordinary_handlers_in_one_batch(db: Database) -> None:
    plain, free = unique_name("plain"), unique_name("unitfree")

    @handler(plain)
    async def in_unit(session, payload):  # type: ignore[no-untyped-def]
        make_account(session, payload["username"])

    @handler(free, unit=False)
    async def outside(database, payload):  # type: ignore[no-untyped-def]
        await _write_account(database, "outside")

    async with db.write() as session:
        jobs = [await enqueue(session, plain, {"username": "in_unit1"}), await enqueue(session, free),
                await enqueue(session, plain, {"username": "in_unit2"})]
    assert await Worker(db).run_until_idle() == 3
    assert [(await load_job(db, j.id)).state for j in jobs] == ["done"] * 3
    assert await count_accounts(db, "in_unit1") == await count_accounts(db, "in_unit2") == 1
    assert await count_accounts(db, "outside") == 1
