"""What one statement costs through each layer the app could use, on the seeded database.

    .venv/bin/python bench/micro_queries.py --db /tmp/madang-bench/bench.db --tokens /tmp/madang-bench/tokens.tsv

Two statements the home timeline runs on every request: the token lookup (one row by a
unique key) and loading 20 statuses by id (`IN (…)`). Each is timed (mean µs, one at a
time, in one event loop) through: the app's way (a `Database.read()` unit of work per
statement, ORM entities), an ORM query in an open session, SQLAlchemy Core in an open
connection, aiosqlite directly, and plain sqlite3 (synchronous, no thread hop).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sqlite3
import time
from pathlib import Path

import aiosqlite
from sqlalchemy import select

from madang.db import Database
from madang.models import AccessToken, Status


async def timed(fn, n: int) -> float:  # type: ignore[no-untyped-def]
    for _ in range(50):
        await fn()
    t0 = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - t0) / n * 1e6


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("-n", type=int, default=2000)
    args = p.parse_args()
    path = os.path.abspath(args.db)
    line = Path(args.tokens).read_text().splitlines()[1].split("\t")
    account_id, token_hash = int(line[0]), hashlib.sha256(line[2].encode()).hexdigest()
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    ids = [r[0] for r in raw.execute("SELECT status_id FROM home_feed_entries WHERE account_id = ? "
                                     "ORDER BY status_id DESC LIMIT 20", (account_id,))]
    token_sql = "SELECT * FROM oauth_access_tokens WHERE token_hash = ?"
    status_sql = f"SELECT * FROM statuses WHERE id IN ({','.join('?' * len(ids))}) AND deleted_at IS NULL"

    db = Database(f"sqlite+aiosqlite:///{path}")
    results: list[tuple[str, float, float]] = []

    async def app_way_token():  # type: ignore[no-untyped-def]
        async with db.read() as s:
            await s.scalar(select(AccessToken).where(AccessToken.token_hash == token_hash))

    async def app_way_status():  # type: ignore[no-untyped-def]
        async with db.read() as s:
            list(await s.scalars(select(Status).where(Status.id.in_(ids), Status.deleted_at.is_(None))))

    results.append(("app's way: Database.read() unit + ORM entities", await timed(app_way_token, args.n),
                    await timed(app_way_status, args.n)))

    async with db.read() as s:
        async def orm_token():  # type: ignore[no-untyped-def]
            await s.scalar(select(AccessToken).where(AccessToken.token_hash == token_hash))

        async def orm_status():  # type: ignore[no-untyped-def]
            s.expunge_all()
            list(await s.scalars(select(Status).where(Status.id.in_(ids), Status.deleted_at.is_(None))))
        results.append(("ORM query in an open session", await timed(orm_token, args.n),
                        await timed(orm_status, args.n)))

    async with db.reader.connect() as c:
        t, st = AccessToken.__table__, Status.__table__

        async def core_token():  # type: ignore[no-untyped-def]
            (await c.execute(select(t).where(t.c.token_hash == token_hash))).first()

        async def core_status():  # type: ignore[no-untyped-def]
            (await c.execute(select(st).where(st.c.id.in_(ids), st.c.deleted_at.is_(None)))).all()
        results.append(("SQLAlchemy Core in an open connection", await timed(core_token, args.n),
                        await timed(core_status, args.n)))

    async with aiosqlite.connect(path) as a:
        async def aio_token():  # type: ignore[no-untyped-def]
            await (await a.execute(token_sql, (token_hash,))).fetchall()

        async def aio_status():  # type: ignore[no-untyped-def]
            await (await a.execute(status_sql, ids)).fetchall()
        results.append(("aiosqlite directly (thread hop, no SQLAlchemy)", await timed(aio_token, args.n),
                        await timed(aio_status, args.n)))

    async def sync_token():  # type: ignore[no-untyped-def]
        raw.execute(token_sql, (token_hash,)).fetchall()

    async def sync_status():  # type: ignore[no-untyped-def]
        raw.execute(status_sql, ids).fetchall()
    results.append(("plain sqlite3, synchronous", await timed(sync_token, args.n), await timed(sync_status, args.n)))
    await db.dispose()

    print(f"mean µs per statement, {args.n} runs each, one at a time:")
    print(f"  {'layer':<52} {'token lookup':>13} {'20 statuses':>12}")
    for name, a, b in results:
        print(f"  {name:<52} {a:13.0f} {b:12.0f}")


if __name__ == "__main__":
    asyncio.run(main())
