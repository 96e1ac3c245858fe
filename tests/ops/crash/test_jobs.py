"""Jobs that go wrong: one that keeps failing does not hold up the others, and `madang jobs` names
the failing ones and a stuck one (running past its lease: its worker died or hangs)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from madang.core import clock as clock_module
from madang.core.clock import FrozenClock, set_clock, utcnow
from madang.db import Database
from madang.jobs import Worker, enqueue, find_troubles, handler
from madang.jobs.claims import LEASE_SECONDS, claim_due
from madang.models import Job

FAILS, WORKS = "crash_test.always_fails", "crash_test.works"
done: list[int] = []


@handler(FAILS, max_attempts=3)
async def always_fails(session, payload):  # type: ignore[no-untyped-def]
    raise RuntimeError("the remote end is down (on purpose)")


@handler(WORKS)
async def works(session, payload):  # type: ignore[no-untyped-def]
    done.append(payload["n"])


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    real = clock_module.clock
    frozen = FrozenClock(real.now())
    set_clock(frozen)
    try:
        yield frozen
    finally:
        set_clock(real)


def madang_jobs(database_url: str) -> str:
    env = {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_SECRET_KEY": "crash-test-key-0123456789abcdef",
           "COLUMNS": "400"}
    out = subprocess.run([str(Path(sys.executable).with_name("madang")), "jobs"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


async def states(db: Database, name: str) -> list[tuple[str, int]]:
    async with db.read() as s:
        return [(state, attempts) for state, attempts in
                await s.execute(select(Job.state, Job.attempts).where(Job.name == name).order_by(Job.id))]


async def test_a_job_that_keeps_failing_does_not_block_the_others(db: Database, database_url: str,
                                                                   clock: FrozenClock) -> None:
    done.clear()
    worker = Worker(db, batch=20)
    async with db.write() as s:
        for n in range(30):  # more failing jobs than one claim takes, all due before the others
            await enqueue(s, FAILS, {"n": n})
    clock.advance(seconds=1)
    async with db.write() as s:
        for n in range(5):
            await enqueue(s, WORKS, {"n": n})
    # Each failure goes back with a backoff (4 s, 8 s…), so the claims after it reach the others.
    for _ in range(3):
        await worker.run_once()
    assert sorted(done) == list(range(5))
    assert await states(db, FAILS) == [("pending", 1)] * 30

    listing = madang_jobs(database_url)
    assert "30 failing (will retry)" in listing
    assert "failing: 1 of 3 attempts failed" in listing and "the remote end is down" in listing

    # Out of attempts, they are failed for good; work enqueued meanwhile still runs at once.
    for attempt in (2, 3):
        clock.advance(minutes=10)
        async with db.write() as s:
            await enqueue(s, WORKS, {"n": 100 + attempt})
        await worker.run_until_idle(timeout=30)
        assert 100 + attempt in done
    assert await states(db, FAILS) == [("failed", 3)] * 30
    troubles = await find_troubles(db)
    assert (len(troubles.failed), troubles.failing, troubles.stuck) == (30, [], [])
    assert "30 failed (out of attempts)" in madang_jobs(database_url)


async def test_madang_jobs_names_a_stuck_job(db: Database, database_url: str) -> None:
    async with db.write() as s:
        stuck = await enqueue(s, WORKS, {"n": 1}, run_at=utcnow() - timedelta(minutes=11))
        fresh = await enqueue(s, FAILS, {"n": 2})
    # What a worker that died ten minutes after claiming a job leaves, and one claiming now.
    async with db.write() as s:
        await claim_due(s, worker="dead-host:4242:abc", batch=1, lease_seconds=LEASE_SECONDS,
                        now=utcnow() - timedelta(minutes=10))
    async with db.write() as s:
        # (by name: a live worker would take the stuck job again too, its lease being over)
        await claim_due(s, worker="live-host:1:def", batch=1, lease_seconds=LEASE_SECONDS, now=utcnow(), name=FAILS)
    async with db.read() as s:
        assert set(await s.scalars(select(Job.state).where(Job.id.in_([stuck.id, fresh.id])))) == {"running"}

    troubles = await find_troubles(db)
    assert troubles.stuck == [stuck.id]
    listing = madang_jobs(database_url)
    assert f"1 stuck (running past their lease): {stuck.id}" in listing
    assert "worker dead-host:4242:abc died or hangs" in listing
    assert "live-host" not in listing.split("stuck (running")[1]
