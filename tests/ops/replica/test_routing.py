"""The router itself, on a real primary and standby: which server a ``@replica_read`` unit reads
from, for whom, and what happens when the standby lags or stops. ``where`` is a real use case
marked as a replica read; it asks the server it runs on whether it is a standby."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db import Database
from madang.db.replicas import acting_account, replica_read
from tests.support import pgreplica, redisserver

DB = "madang_replicated"


@replica_read
async def where(session: AsyncSession) -> str:
    return "replica" if await session.scalar(text("SELECT pg_is_in_recovery()")) else "primary"


async def plain(session: AsyncSession) -> str:
    return "replica" if await session.scalar(text("SELECT pg_is_in_recovery()")) else "primary"


@contextmanager
def acting(account_id: int | None) -> Iterator[None]:
    token = acting_account.set(account_id)
    try:
        yield
    finally:
        acting_account.reset(token)


async def read_where(db: Database, account_id: int | None = None, fn=where) -> str:  # type: ignore[no-untyped-def]
    with acting(account_id):
        async with db.read() as session:
            return await fn(session)


async def write_as(db: Database, account_id: int) -> None:
    with acting(account_id):
        async with db.write() as session:
            await session.execute(text("CREATE TABLE IF NOT EXISTS replica_probe (n bigint)"))
            await session.execute(text("INSERT INTO replica_probe VALUES (1)"))


async def until(check, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


@pytest.fixture
async def routed(replica_pair: pgreplica.ReplicaPair, standby: pgreplica.Standby) -> AsyncIterator[Database]:
    db = Database(replica_pair.primary.url(DB), pool_size=2, replica_url=standby.url(DB), replica_max_lag=2.0)
    assert db.replicas is not None
    db.replicas.poll_seconds = 0.05
    db.replicas.start()
    await until(lambda: _ok(db))
    yield db
    await db.dispose()


async def _ok(db: Database) -> bool:
    return db.replicas is not None and db.replicas.state == "ok"


async def test_marked_reads_go_to_the_standby_and_others_stay_on_the_primary(routed: Database) -> None:
    assert await read_where(routed) == "replica"
    assert await read_where(routed, 41) == "replica"
    assert await read_where(routed, fn=plain) == "primary"  # not marked: never routed
    async with routed.write() as session:
        assert await plain(session) == "primary"
        assert await where(session) == "primary"  # a write unit is never routed


async def test_a_writer_reads_the_primary_until_the_standby_has_the_write(routed: Database,
                                                                          standby: pgreplica.Standby) -> None:
    standby.pause_replay()
    await write_as(routed, 42)
    assert await read_where(routed, 42) == "primary"  # read-your-writes
    assert await read_where(routed, 43) == "replica"  # another reader: the (stale) standby
    standby.resume_replay()
    await until(lambda: _is(read_where(routed, 42), "replica"))


async def test_a_standby_lagging_too_far_is_left_for_the_primary(routed: Database,
                                                                  standby: pgreplica.Standby) -> None:
    standby.pause_replay()
    await write_as(routed, 44)  # the primary moves on; the standby does not
    await until(lambda: _is(read_where(routed), "primary"), timeout=10)  # max_lag is 2 s
    assert routed.replicas is not None and routed.replicas.state == "lagging"
    standby.resume_replay()
    await until(lambda: _is(read_where(routed), "replica"), timeout=10)


async def test_a_stopped_standby_is_left_for_the_primary_within_a_bounded_wait(
        routed: Database, standby: pgreplica.Standby, caplog: pytest.LogCaptureFixture) -> None:
    assert await read_where(routed) == "replica"
    standby.stop_now()
    started = time.monotonic()
    assert await read_where(routed, 45) == "primary"
    assert time.monotonic() - started < 3
    for _ in range(5):  # every read answers while it is away
        assert await read_where(routed) == "primary"
    assert routed.replicas is not None and routed.replicas.state == "down"
    lines = [r.getMessage() for r in caplog.records if r.name == "madang.db.replicas"]
    assert any("did not answer" in line for line in lines)
    assert not any("45" in line for line in lines)  # logged, without who asked
    standby.start()
    await until(lambda: _is(read_where(routed), "replica"), timeout=15)


async def test_writes_remembered_in_redis_reach_another_process(replica_pair: pgreplica.ReplicaPair,
                                                                standby: pgreplica.Standby) -> None:
    redis = redisserver.start()
    dbs = [Database(replica_pair.primary.url(DB), pool_size=2, replica_url=standby.url(DB),
                    replica_max_lag=30.0, redis_url=redis.url) for _ in range(2)]
    try:
        for db in dbs:
            assert db.replicas is not None
            db.replicas.poll_seconds = 0.05
            db.replicas.start()
            await until(lambda db=db: _ok(db))
        web_a, web_b = dbs
        standby.pause_replay()
        await write_as(web_a, 46)  # through one web process...
        assert await read_where(web_b, 46) == "primary"  # ...read back through the other
        assert await read_where(web_b, 47) == "replica"
        standby.resume_replay()
        await until(lambda: _is(read_where(web_b, 46), "replica"))
    finally:
        for db in dbs:
            await db.dispose()
        redis.stop()


async def _is(answer, expected: str) -> bool:  # type: ignore[no-untyped-def]
    return await answer == expected
