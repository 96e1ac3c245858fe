"""Claiming: abandoned jobs come back, live leases are respected, no job runs twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from madang.core.clock import FrozenClock, utcnow
from madang.db import Database
from madang.jobs import Worker, enqueue, handler
from madang.models import Account, Job
from tests.jobs.conftest import load_job, make_account, unique_name


async def _stuck_job(db: Database, name: str, *, locked_ago: timedelta, attempts: int = 1,
                     max_attempts: int = 8) -> int:
    async with db.write() as session:
        job = await enqueue(session, name)
        job.state = "running"
        job.attempts = attempts
        job.max_attempts = max_attempts
        job.locked_by = "dead-worker"
        job.locked_at = utcnow() - locked_ago
        return job.id


async def test_job_abandoned_by_a_dead_worker_is_reclaimed(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def work(session, payload):  # type: ignore[no-untyped-def]
        ran.append(1)

    stale = await _stuck_job(db, name, locked_ago=timedelta(minutes=10))
    live = await _stuck_job(db, name, locked_ago=timedelta(seconds=10))

    assert await Worker(db, name="rescuer", lease_seconds=300).run_until_idle() == 1
    rescued = await load_job(db, stale)
    assert (rescued.state, rescued.attempts, rescued.locked_by) == ("done", 2, "rescuer")
    untouched = await load_job(db, live)
    assert (untouched.state, untouched.locked_by) == ("running", "dead-worker")
    assert ran == [1]


async def test_abandoned_job_out_of_attempts_fails_instead(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def crashes_the_worker(session, payload):  # type: ignore[no-untyped-def]
        ran.append(1)

    job_id = await _stuck_job(db, name, locked_ago=timedelta(hours=1), attempts=3, max_attempts=3)
    assert await Worker(db).run_until_idle() == 1
    failed = await load_job(db, job_id)
    assert failed.state == "failed"
    assert "lease" in failed.last_error
    assert ran == []


async def test_two_workers_never_run_the_same_job(db: Database) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def work(session, payload):  # type: ignore[no-untyped-def]
        ran.append(payload["n"])
        make_account(session, f"{name[-12:]}{payload['n']}")
        await session.flush()
        await asyncio.sleep(0.001)  # let the other worker claim meanwhile

    total = 40
    async with db.write() as session:
        for n in range(total):
            await enqueue(session, name, {"n": n})

    other_db = Database(db.url, pool_size=4)  # as a second process would have
    try:
        first, second = Worker(db, name="one", batch=3), Worker(other_db, name="two", batch=3)
        counts = await asyncio.gather(first.run_until_idle(), second.run_until_idle())
    finally:
        await other_db.dispose()

    assert sorted(ran) == list(range(total))
    assert sum(counts) == total
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == total
        states = (await session.execute(select(Job.state, func.count()).group_by(Job.state))).all()
        by = dict((await session.execute(select(Job.locked_by, func.count()).group_by(Job.locked_by))).all())
    assert dict(states) == {"done": total}
    assert sum(by.values()) == total


async def test_claims_follow_run_at_order_and_batch_size(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def work(session, payload):  # type: ignore[no-untyped-def]
        ran.append(payload["n"])

    async with db.write() as session:
        # Enqueued out of order: the oldest run_at goes first, not the oldest id.
        for n in (3, 1, 2):
            await enqueue(session, name, {"n": n}, run_at=utcnow() - timedelta(minutes=10 - n))
    worker = Worker(db, batch=2)
    assert await worker.run_once() == 2
    assert ran == [1, 2]
    assert await worker.run_once() == 1
    assert ran == [1, 2, 3]


async def test_jobs_queued_behind_a_slow_one_are_handed_back(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def slow(session, payload):  # type: ignore[no-untyped-def]
        ran.append(payload["n"])
        frozen.advance(seconds=200)  # more than half the lease

    async with db.write() as session:
        jobs = [await enqueue(session, name, {"n": n}, run_at=utcnow() - timedelta(seconds=10 - n))
                for n in range(3)]
    worker = Worker(db, batch=3, lease_seconds=300)
    assert await worker.run_once() == 1
    assert ran == [0]
    handed_back = [await load_job(db, job.id) for job in jobs[1:]]
    assert [(job.state, job.attempts, job.locked_by) for job in handed_back] == [("pending", 0, None)] * 2
    assert await worker.run_until_idle() == 2
    assert ran == [0, 1, 2]
