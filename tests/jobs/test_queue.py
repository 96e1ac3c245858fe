"""Enqueueing happens in the caller's transaction; a committed job runs once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from madang.core.clock import FrozenClock, utcnow
from madang.core.errors import Invalid
from madang.db import Database
from madang.jobs import Worker, enqueue, handler
from madang.jobs.wakeups import Waker
from tests.jobs.conftest import count_accounts, count_jobs, load_job, make_account, unique_name


async def test_enqueue_in_a_rolled_back_write_leaves_no_job_and_wakes_no_one(db: Database) -> None:
    waker = Waker()
    try:
        with pytest.raises(RuntimeError):
            async with db.write() as session:
                job = await enqueue(session, unique_name(), {"n": 1})
                assert job.id is not None  # flushed: visible inside the transaction
                raise RuntimeError("the change that caused the job failed")
        assert await count_jobs(db) == 0
        assert not await waker.wait(0)
    finally:
        waker.close()


async def test_committed_job_runs_once_and_its_writes_commit(db: Database) -> None:
    name = unique_name()
    calls: list[dict] = []

    @handler(name)
    async def create_account(session, payload):  # type: ignore[no-untyped-def]
        calls.append(payload)
        make_account(session, payload["username"])

    waker = Waker()
    try:
        async with db.write() as session:
            job = await enqueue(session, name, {"username": "jobber"})
            assert job.state == "pending"
            assert not await waker.wait(0)  # nothing to see before the commit
        assert await waker.wait(0)
    finally:
        waker.close()

    worker = Worker(db, name="test-worker")
    assert await worker.run_until_idle() == 1
    assert await worker.run_until_idle() == 0
    assert calls == [{"username": "jobber"}]
    assert await count_accounts(db, "jobber") == 1
    done = await load_job(db, job.id)
    assert (done.state, done.attempts, done.locked_by) == ("done", 1, "test-worker")
    assert done.finished_at is not None and done.last_error is None


async def test_delayed_job_waits_for_its_time(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def note(session, payload):  # type: ignore[no-untyped-def]
        ran.append(payload["n"])

    async with db.write() as session:
        later = await enqueue(session, name, {"n": 1}, delay=60)
        await enqueue(session, name, {"n": 2}, run_at=utcnow() + timedelta(hours=1))
    assert later.run_at == utcnow() + timedelta(seconds=60)

    worker = Worker(db)
    assert await worker.run_until_idle() == 0
    frozen.advance(seconds=61)
    assert await worker.run_until_idle() == 1
    frozen.advance(hours=1)
    assert await worker.run_until_idle() == 1
    assert ran == [1, 2]


async def test_enqueue_copies_the_payload_and_rejects_bad_input(db: Database) -> None:
    payload = {"n": 1}
    async with db.write() as session:
        job = await enqueue(session, unique_name(), payload)
        payload["n"] = 2
        assert job.payload == {"n": 1}
        with pytest.raises(Invalid):
            await enqueue(session, unique_name(), run_at=datetime(2026, 1, 1))  # naive
        with pytest.raises(Invalid):
            await enqueue(session, "x" * 101)
        with pytest.raises(Invalid):
            await enqueue(session, unique_name(), delay=-1)
    assert (await load_job(db, job.id)).payload == {"n": 1}


async def test_max_attempts_comes_from_the_registration(db: Database) -> None:
    name = unique_name()

    @handler(name, max_attempts=3)
    async def noop(session, payload):  # type: ignore[no-untyped-def]
        pass

    async with db.write() as session:
        known = await enqueue(session, name)
        unknown = await enqueue(session, unique_name("elsewhere"))
    assert known.max_attempts == 3
    assert unknown.max_attempts == 8
