"""Batch handlers (decision 0041): consecutive claimed jobs of one name in one call, in claim
order; each outcome is its own job's (done, or failed and retried alone)."""

from __future__ import annotations

import pytest

from madang.core.clock import FrozenClock
from madang.core.errors import Conflict
from madang.db import Database
from madang.jobs import Worker, batch_handler, enqueue, handler
from tests.jobs.conftest import load_job, unique_name


async def test_consecutive_jobs_go_in_one_call_and_a_failure_stays_with_its_job(
        db: Database, frozen: FrozenClock) -> None:
    name, other = unique_name("batch"), unique_name("single")
    calls: list[list[str]] = []
    ran: list[str] = []

    @handler(name, unit=False)
    async def one(database, payload):  # type: ignore[no-untyped-def]
        ran.append(f"one:{payload['n']}")

    @batch_handler(name)
    async def many(database, payloads):  # type: ignore[no-untyped-def]
        calls.append([p["n"] for p in payloads])
        return [ValueError(f"bad {p['n']}") if p["n"] == "b" else None for p in payloads]

    @handler(other)
    async def single(session, payload):  # type: ignore[no-untyped-def]
        ran.append(f"single:{payload['n']}")

    jobs = []
    for job_name, n in ((name, "a"), (name, "b"), (name, "c"), (other, "x"), (name, "d")):
        async with db.write() as session:  # one by one: claim order is run_at, id
            jobs.append(await enqueue(session, job_name, {"n": n}))
            frozen.advance(seconds=0.001)
    assert await Worker(db, batch=10).run_until_idle() == 5
    assert calls == [["a", "b", "c"], ["d"]]  # the other job in between keeps the order
    assert ran == ["single:x"]
    states = [(await load_job(db, j.id)).state for j in jobs]
    assert states == ["done", "pending", "done", "done", "done"]
    failed = await load_job(db, jobs[1].id)
    assert failed.attempts == 1 and "ValueError: bad b" in (failed.last_error or "")


async def test_a_batch_handler_that_raises_runs_each_job_alone(db: Database, frozen: FrozenClock) -> None:
    name = unique_name("batch")
    ran: list[str] = []

    @handler(name, unit=False)
    async def one(database, payload):  # type: ignore[no-untyped-def]
        ran.append(payload["n"])

    @batch_handler(name)
    async def many(database, payloads):  # type: ignore[no-untyped-def]
        raise RuntimeError("the batch itself broke")

    async with db.write() as session:
        jobs = [await enqueue(session, name, {"n": n}) for n in ("a", "b")]
    assert await Worker(db).run_until_idle() == 2
    assert sorted(ran) == ["a", "b"]
    assert [(await load_job(db, j.id)).state for j in jobs] == ["done", "done"]


def test_a_batch_handler_needs_a_unit_free_handler_first() -> None:
    name = unique_name("batch")
    with pytest.raises(Conflict):
        batch_handler(name)(lambda db, payloads: None)

    @handler(name)
    async def in_unit(session, payload):  # type: ignore[no-untyped-def]
        pass

    with pytest.raises(Conflict):
        batch_handler(name)(lambda db, payloads: None)


async def test_a_backlog_of_one_batch_name_is_claimed_up_to_its_size(db: Database, frozen: FrozenClock) -> None:
    name, other = unique_name("batch"), unique_name("single")
    calls: list[int] = []

    @handler(name, unit=False)
    async def one(database, payload):  # type: ignore[no-untyped-def]
        calls.append(1)

    @batch_handler(name, size=25)
    async def many(database, payloads):  # type: ignore[no-untyped-def]
        calls.append(len(payloads))
        return [None] * len(payloads)

    @handler(other)
    async def single(session, payload):  # type: ignore[no-untyped-def]
        pass

    async with db.write() as session:
        for n in range(30):
            await enqueue(session, name, {"n": n})
    assert await Worker(db, batch=10).run_until_idle() == 30
    assert calls == [25, 5]  # a full claim of that name only: 15 more taken for the same call

    calls.clear()
    async with db.write() as session:
        await enqueue(session, other, {})
        for n in range(30):
            await enqueue(session, name, {"n": n})
    assert await Worker(db, batch=10).run_until_idle() == 31
    assert calls == [9, 21]  # a mixed claim is not extended; the next one, full, takes the rest
