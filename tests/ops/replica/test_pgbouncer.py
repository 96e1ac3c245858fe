"""madang's driver behind a real pgbouncer in transaction pooling mode: asyncpg's named prepared
statements break there, MADANG_DATABASE_POOLER=pgbouncer makes them unnamed (test_shapes.py runs
whole processes through it)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from madang.db import Database
from tests.support import pgbouncer, pgserver

_n = itertools.count()


@pytest.fixture(scope="module")
def bounced(pg_server: pgserver.PgServer) -> Iterator[tuple[pgbouncer.PgBouncer, str]]:
    """A fresh madang database behind a pgbouncer whose pool has two server connections: a client
    connection's transactions land on either, as in any busy pool."""
    name = f"bounced{next(_n)}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
    bouncer = pgbouncer.start(pg_server, pool_size=2)
    try:
        yield bouncer, name
    finally:
        bouncer.stop()


async def _two_clients(url: str, pooler: str | None) -> None:
    db = Database(url, pool_size=2, pooler=pooler)
    try:
        async def unit(n: int) -> int:
            async with db.write() as session:
                await session.execute(text("SELECT count(*) FROM accounts WHERE id > :n"), {"n": n})
                return int(await session.scalar(text("SELECT CAST(:n AS bigint) + 1"), {"n": n}))

        # A statement asyncpg prepared (named) in one transaction is looked for again in a later one,
        # which may run on the other server connection.
        for _ in range(5):
            assert await asyncio.gather(*(unit(n) for n in range(8))) == [n + 1 for n in range(8)]
    finally:
        await db.dispose()


async def test_named_prepared_statements_break_behind_pgbouncer_and_the_pooler_setting_mends_it(
        bounced: tuple[pgbouncer.PgBouncer, str]) -> None:
    bouncer, name = bounced
    with pytest.raises(Exception, match="prepared statement"):
        await _two_clients(bouncer.url(name), None)
    await _two_clients(bouncer.url(name), "pgbouncer")
