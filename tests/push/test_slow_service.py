"""A slow push service holds no database lock: push.send waits on the network with no
unit of work open (DESIGN.md: no network I/O inside a write transaction)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from madang import push
from madang.db import Database
from tests.accounts.factories import make_account
from tests.factories import follow, rerun_done_jobs, run_jobs
from tests.push.conftest import SETTINGS
from tests.push.helpers import jobs_named, subscribe, subscription_exists
from tests.push.receiver import PushReceiver

SLOW_SECONDS = 1.5


@pytest.fixture
async def sqlite_push_db(sqlite_url: str) -> AsyncIterator[Database]:
    # SQLite only: it is where a write unit holds the one write lock of the whole database,
    # so a push made inside one would stall every other writer. On PostgreSQL a unit holds
    # only the rows it touched and a writer elsewhere would not notice either way.
    database = Database(sqlite_url, pool_size=4)
    push.attach(database, SETTINGS)
    yield database
    await database.dispose()


async def test_writers_go_on_while_the_push_service_is_slow(sqlite_push_db: Database,
                                                            receiver: PushReceiver) -> None:
    db = sqlite_push_db
    me = await subscribe(db, receiver)
    async with db.write() as s:
        fan = await make_account(s, username="slow_fan", display_name="느린 팬")
        await follow(s, fan, me.account)
    receiver.delay = SLOW_SECONDS

    running = asyncio.create_task(run_jobs(db))
    try:
        deadline = time.monotonic() + 10
        while not receiver.received:  # the POST has reached the push service, which now sleeps
            assert time.monotonic() < deadline, "the push never arrived"
            assert not running.done(), running
            await asyncio.sleep(0.01)

        started = time.monotonic()
        async with db.write() as s:
            await make_account(s, username="meanwhile", display_name="그사이 가입")
        took = time.monotonic() - started
        assert took < 0.3, f"a write waited {took:.2f}s on a push in flight"
        assert not running.done()  # the push really was still waiting for its answer
    finally:
        await running

    [job] = await jobs_named(db, "push.send")
    assert (job.state, job.attempts) == ("done", 1)
    assert me.keys.decrypt(receiver.received[0])["title"] == "느린 팬 님이 나를 팔로우했습니다"


async def test_a_gone_subscription_is_removed_once_even_when_the_job_runs_again(
        sqlite_push_db: Database, receiver: PushReceiver) -> None:
    db = sqlite_push_db
    me = await subscribe(db, receiver)
    receiver.answers = [404]
    async with db.write() as s:
        await follow(s, await make_account(s, username="gone_fan"), me.account)
    await run_jobs(db)
    assert not await subscription_exists(db, me.subscription_id)

    # As a worker that died after recording the outcome but before marking the job done.
    await rerun_done_jobs(db)
    assert len(receiver.received) == 1  # nothing left to push to
    assert all(job.state == "done" for job in await jobs_named(db, "push.send"))
