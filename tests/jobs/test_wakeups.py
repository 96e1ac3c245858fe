"""run_forever: a committed job wakes it at once; cancelling it hands the job back."""

from __future__ import annotations

import asyncio
import time

import pytest

from madang.db import Database
from madang.jobs import Worker, enqueue, handler
from tests.jobs.conftest import load_job, unique_name


async def _stop(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _wait_for_state(db: Database, job_id: int, state: str, timeout: float = 2.0) -> float:
    """Seconds until the job reached ``state`` (polling the database, not the worker)."""
    started = time.monotonic()
    while (await load_job(db, job_id)).state != state:
        assert time.monotonic() - started < timeout, f"job not {state} after {timeout}s"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def test_commit_wakes_an_idle_worker_well_before_its_poll(db: Database) -> None:
    name = unique_name()

    @handler(name)
    async def work(session, payload):  # type: ignore[no-untyped-def]
        pass

    task = asyncio.create_task(Worker(db, poll_seconds=30).run_forever())
    try:
        await asyncio.sleep(0.3)  # it has looked, found nothing and gone to sleep
        assert not task.done()
        async with db.write() as session:
            job = await enqueue(session, name)
        assert await _wait_for_state(db, job.id, "done") < 2
    finally:
        await _stop(task)


async def test_cancelling_mid_job_rolls_back_and_hands_the_job_back(db: Database) -> None:
    name = unique_name()
    started = asyncio.Event()

    @handler(name)
    async def slow(session, payload):  # type: ignore[no-untyped-def]
        started.set()
        await asyncio.sleep(3600)

    async with db.write() as session:
        job = await enqueue(session, name)
    task = asyncio.create_task(Worker(db, poll_seconds=30).run_forever())
    await asyncio.wait_for(started.wait(), timeout=5)
    await _stop(task)

    released = await load_job(db, job.id)
    assert (released.state, released.attempts, released.locked_by) == ("pending", 0, None)


async def test_a_failing_claim_does_not_end_the_worker(db: Database) -> None:
    name = unique_name()

    @handler(name)
    async def work(session, payload):  # type: ignore[no-untyped-def]
        pass

    class HiccupWorker(Worker):
        hiccups = 0

        async def run_once(self) -> int:
            if not self.hiccups:
                self.hiccups += 1
                raise ConnectionResetError("database went away")
            return await super().run_once()

    async with db.write() as session:
        job = await enqueue(session, name)
    worker = HiccupWorker(db, poll_seconds=0.05)
    task = asyncio.create_task(worker.run_forever())
    try:
        await _wait_for_state(db, job.id, "done")
        assert worker.hiccups == 1
    finally:
        await _stop(task)
