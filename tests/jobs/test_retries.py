"""A failing handler's work rolls back; the job retries with backoff, then fails for good."""

from __future__ import annotations

from datetime import timedelta

from madang.core.clock import FrozenClock, utcnow
from madang.db import Database
from madang.jobs import Worker, enqueue, handler
from madang.jobs.failures import ERROR_CHARS
from tests.jobs.conftest import count_accounts, load_job, make_account, unique_name


async def test_raises_twice_then_succeeds(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    runs: list[int] = []

    @handler(name)
    async def flaky(session, payload):  # type: ignore[no-untyped-def]
        runs.append(len(runs) + 1)
        make_account(session, "flaky")  # must not survive a failed run
        await session.flush()
        if len(runs) < 3:
            raise ConnectionError(f"remote server down (run {len(runs)})")

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = Worker(db)

    assert await worker.run_until_idle() == 1
    first = await load_job(db, job.id)
    assert (first.state, first.attempts, first.locked_by) == ("pending", 1, None)
    assert "ConnectionError: remote server down (run 1)" in first.last_error
    assert "Traceback" in first.last_error
    # 2**1 * 2s plus up to 10% jitter
    assert timedelta(seconds=4) <= first.run_at - utcnow() <= timedelta(seconds=4.4)
    assert await count_accounts(db, "flaky") == 0

    assert await worker.run_until_idle() == 0  # not due yet
    frozen.advance(seconds=5)
    assert await worker.run_until_idle() == 1
    second = await load_job(db, job.id)
    assert (second.state, second.attempts) == ("pending", 2)
    assert timedelta(seconds=8) <= second.run_at - utcnow() <= timedelta(seconds=8.8)

    frozen.advance(seconds=9)
    assert await worker.run_until_idle() == 1
    done = await load_job(db, job.id)
    assert (done.state, done.attempts) == ("done", 3)
    assert runs == [1, 2, 3]
    assert await count_accounts(db, "flaky") == 1


async def test_always_raising_fails_after_max_attempts(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()
    runs: list[int] = []

    @handler(name, max_attempts=4)
    async def broken(session, payload):  # type: ignore[no-untyped-def]
        runs.append(1)
        raise ValueError("bad payload")

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = Worker(db)
    for _ in range(10):
        await worker.run_until_idle()
        frozen.advance(hours=2)  # past the longest backoff

    failed = await load_job(db, job.id)
    assert (failed.state, failed.attempts, failed.max_attempts) == ("failed", 4, 4)
    assert len(runs) == 4
    assert "ValueError: bad payload" in failed.last_error
    assert failed.finished_at is not None


async def test_backoff_is_capped_at_an_hour(db: Database, frozen: FrozenClock) -> None:
    name = unique_name()

    @handler(name, max_attempts=20)
    async def broken(session, payload):  # type: ignore[no-untyped-def]
        raise ValueError("still broken")

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = Worker(db)
    for _ in range(12):
        await worker.run_until_idle()
        frozen.advance(hours=2)
    frozen.advance(hours=-2)
    late = await load_job(db, job.id)
    assert late.attempts == 12
    assert timedelta(hours=1) <= late.run_at - utcnow() <= timedelta(hours=1.1)


async def test_long_errors_keep_their_tail(db: Database) -> None:
    name = unique_name()

    @handler(name, max_attempts=1)
    async def noisy(session, payload):  # type: ignore[no-untyped-def]
        raise RuntimeError("x" * 20_000 + " THE END")

    async with db.write() as session:
        job = await enqueue(session, name)
    await Worker(db).run_until_idle()
    failed = await load_job(db, job.id)
    assert failed.state == "failed"
    assert len(failed.last_error) <= ERROR_CHARS
    assert failed.last_error.rstrip().endswith("THE END")


async def test_unknown_job_fails_clearly_and_the_worker_goes_on(db: Database) -> None:
    name = unique_name()
    ran: list[int] = []

    @handler(name)
    async def fine(session, payload):  # type: ignore[no-untyped-def]
        ran.append(1)

    async with db.write() as session:
        stray = await enqueue(session, "nobody.handles.this")
        good = await enqueue(session, name)
    assert await Worker(db).run_until_idle() == 2

    failed = await load_job(db, stray.id)
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert "no handler is registered for job 'nobody.handles.this'" in failed.last_error
    assert (await load_job(db, good.id)).state == "done"
    assert ran == [1]
