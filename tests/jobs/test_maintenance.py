"""Listing, retrying and pruning jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from madang.core.clock import FrozenClock
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db import Database
from madang.jobs import Worker, enqueue, handler, list_jobs, prune_done, retry_job
from tests.jobs.conftest import count_jobs, load_job, unique_name


async def test_list_jobs_by_state_newest_first(db: Database) -> None:
    ok, bad = unique_name(), unique_name()

    @handler(ok)
    async def fine(session, payload):  # type: ignore[no-untyped-def]
        pass

    @handler(bad, max_attempts=1)
    async def broken(session, payload):  # type: ignore[no-untyped-def]
        raise ValueError("nope")

    async with db.write() as session:
        done = await enqueue(session, ok)
        failed = await enqueue(session, bad)
    await Worker(db).run_until_idle()
    async with db.write() as session:
        first = await enqueue(session, ok, delay=3600)
        second = await enqueue(session, ok, delay=3600)

    listed = await list_jobs(db)
    assert [job.id for job in listed] == [second.id, first.id, failed.id]
    assert listed[-1].last_error is not None  # loaded, not expired by the read's rollback
    assert [job.id for job in await list_jobs(db, states=["done"])] == [done.id]
    assert [job.id for job in await list_jobs(db, limit=1)] == [second.id]
    with pytest.raises(Invalid):
        await list_jobs(db, states=["lost"])


async def test_retry_job_gives_a_failed_job_fresh_attempts(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    fixed: list[bool] = []

    @handler(name, max_attempts=2)
    async def until_fixed(session, payload):  # type: ignore[no-untyped-def]
        if not fixed:
            raise RuntimeError("config missing")

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = Worker(db)
    await worker.run_until_idle()
    frozen.advance(hours=1)
    await worker.run_until_idle()
    assert (await load_job(db, job.id)).state == "failed"

    fixed.append(True)
    retried = await retry_job(db, job.id)
    assert (retried.state, retried.attempts, retried.finished_at) == ("pending", 0, None)
    assert "config missing" in retried.last_error  # kept for the record
    assert await worker.run_until_idle() == 1
    done = await load_job(db, job.id)
    assert (done.state, done.attempts) == ("done", 1)

    with pytest.raises(Conflict):
        await retry_job(db, job.id)
    with pytest.raises(NotFound):
        await retry_job(db, 12345)


async def test_prune_done_keeps_recent_and_failed_jobs(db: Database, frozen: FrozenClock) -> None:
    ok, bad = unique_name(), unique_name()

    @handler(ok)
    async def fine(session, payload):  # type: ignore[no-untyped-def]
        pass

    @handler(bad, max_attempts=1)
    async def broken(session, payload):  # type: ignore[no-untyped-def]
        raise ValueError("nope")

    async with db.write() as session:
        old = await enqueue(session, ok)
        failed = await enqueue(session, bad)
    worker = Worker(db)
    await worker.run_until_idle()
    frozen.advance(days=3)
    async with db.write() as session:
        recent = await enqueue(session, ok)
        waiting = await enqueue(session, ok, delay=60)
    await worker.run_until_idle()
    frozen.advance(days=1)

    assert await prune_done(db, timedelta(days=2)) == 1
    assert await prune_done(db, timedelta(days=2)) == 0
    assert await count_jobs(db) == 3
    assert (await load_job(db, failed.id)).state == "failed"
    assert (await load_job(db, recent.id)).state == "done"
    assert (await load_job(db, waiting.id)).state == "pending"
    assert old.id not in {job.id for job in await list_jobs(db, states=["done"])}
