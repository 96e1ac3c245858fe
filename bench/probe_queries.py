"""What one request costs, in-process and one at a time: SQL statements per request, their
time (as the app waits for them: thread hop to aiosqlite, or inline, + SQLite), and the rest.

    .venv/bin/python bench/probe_queries.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv [--requests 200] [--post]

Builds the app from `madang.app.create_app` (embedded worker off) against a COPY-free
read of the database (GETs only, unless --post, which writes statuses), drives it with
httpx's ASGI transport (no sockets), and prints per-request means and the statements.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

import httpx
from sqlalchemy import event

from madang.app import create_app
from madang.core.settings import Settings


# Phases timed inclusively (one request at a time, so awaits do not overlap): (module, name).
PHASES = [
    ("madang.mastodon_api.auth", "load_caller"),  # token + account lookup
    ("madang.mastodon_api.routes.timelines", "list_home_timeline"),
    ("madang.mastodon_api.routes.common", "load_status_views"),  # the batch queries for rendering
    ("madang.mastodon_api.routes.common", "status_json"),  # shaping dicts, per status
    ("madang.mastodon_api.routes.statuses", "read_params"),  # form/JSON body
    ("madang.mastodon_api.routes.statuses", "get_account"),
    ("madang.mastodon_api.routes.statuses", "create_status"),
    ("sqlalchemy.ext.asyncio.AsyncSession", "commit"),  # the writer's COMMIT (and ORM flush)
    ("sqlalchemy.orm.Session", "commit"),  # the same for inline (synchronous) units: ORM flush + COMMIT
    ("madang.mastodon_api.responses.JSON", "render"),  # orjson
]


def time_phases(totals: dict[str, float]) -> None:
    import functools
    import importlib
    import inspect

    for module_name, attr in PHASES:
        try:
            owner = importlib.import_module(module_name)
        except ImportError:  # a class: module.Class
            mod, _, cls = module_name.rpartition(".")
            owner = getattr(importlib.import_module(mod), cls)
        fn = getattr(owner, attr, None)
        if fn is None:
            continue
        key = f"{module_name.replace('madang.', '').replace('sqlalchemy.ext.asyncio.', '').replace('sqlalchemy.orm.', '')}.{attr}"
        if not hasattr(fn, "__call__"):
            continue
        if inspect.iscoroutinefunction(fn):
            async def wrapper(*a, __fn=fn, __key=key, **kw):  # type: ignore[no-untyped-def]
                t0 = time.perf_counter()
                try:
                    return await __fn(*a, **kw)
                finally:
                    totals[__key] += time.perf_counter() - t0
        else:
            def wrapper(*a, __fn=fn, __key=key, **kw):  # type: ignore[no-untyped-def]
                t0 = time.perf_counter()
                try:
                    return __fn(*a, **kw)
                finally:
                    totals[__key] += time.perf_counter() - t0
        setattr(owner, attr, functools.wraps(fn)(wrapper))


def shape(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r"\(\?(, \?)+\)", "(?…)", sql)
    sql = re.sub(r"\(__\[POSTCOMPILE_\w+\]\)", "(?…)", sql)
    return sql[:150]


def rss_mib() -> str:
    with open("/proc/self/status") as f:
        kb = {x.split(":")[0]: int(x.split()[1]) for x in f if x.startswith(("VmRSS:", "RssAnon:", "RssFile:"))}
    return f"{kb['VmRSS'] / 1024:.0f} MiB (anon {kb['RssAnon'] / 1024:.0f} + file {kb['RssFile'] / 1024:.0f})"


def replay(db: str, statements: list[tuple[str, object]], rounds: int = 200) -> float:
    """Mean time of one request's statements through plain sqlite3 (read-only)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA cache_size = -32000")
    conn.execute("PRAGMA mmap_size = 268435456")
    t0 = time.perf_counter()
    for _ in range(rounds):
        for sql, params in statements:
            if sql.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                continue
            conn.execute(sql, params).fetchall()
    return (time.perf_counter() - t0) / rounds


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--post", action="store_true", help="POST /api/v1/statuses instead of GET home")
    p.add_argument("--phases", action="store_true", help="time the phases of a request (PHASES)")
    p.add_argument("--concurrency", type=int, default=1,
                   help="requests in flight (for the memory reading; timings then overlap)")
    p.add_argument("--sqlite-cache-kib", type=int,
                   help="override the app's PRAGMA cache_size per connection (an experiment on memory)")
    args = p.parse_args()
    phases: dict[str, float] = defaultdict(float)
    if args.phases:
        time_phases(phases)
    tokens = [line.split("\t")[2] for line in Path(args.tokens).read_text().splitlines()[1:]]
    settings = Settings(database_url=f"sqlite+aiosqlite:///{os.path.abspath(args.db)}", embedded_worker=False,
                        rate_limit_per_5min=10 ** 9)
    app = create_app(settings)
    stats: dict[str, list[float]] = defaultdict(list)
    per_request = {"n": 0, "sql_s": 0.0}
    last_request: list[tuple[str, object]] = []

    async with app.router.lifespan_context(app):
        db = app.state.ctx.db
        if args.sqlite_cache_kib is not None:
            for engine in {db.reader, db.writer}:
                @event.listens_for(engine.sync_engine, "connect")
                def smaller_cache(dbapi_connection, _record):  # type: ignore[no-untyped-def]
                    dbapi_connection.cursor().execute(f"PRAGMA cache_size = -{args.sqlite_cache_kib}")
        held = {"t": 0.0, "since": 0.0}

        writer_engine = getattr(db, "write_sync_engine", None) or db.writer.sync_engine

        @event.listens_for(writer_engine.pool, "checkout")
        def writer_out(*_):  # type: ignore[no-untyped-def]
            held["since"] = time.perf_counter()

        @event.listens_for(writer_engine.pool, "checkin")
        def writer_in(*_):  # type: ignore[no-untyped-def]
            if held["since"]:
                held["t"] += time.perf_counter() - held["since"]
                held["since"] = 0.0

        engines = {db.reader.sync_engine, db.writer.sync_engine}
        for name in ("read_sync_engine", "write_sync_engine"):  # inline (synchronous) SQLite units
            if getattr(db, name, None) is not None:
                engines.add(getattr(db, name))
        for sync_engine in engines:
            @event.listens_for(sync_engine, "before_cursor_execute")
            def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
                conn.info["t0"] = time.perf_counter()

            @event.listens_for(sync_engine, "after_cursor_execute")
            def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
                dt = time.perf_counter() - conn.info.pop("t0")
                stats[shape(statement)].append(dt)
                last_request.append((statement, parameters))
                per_request["n"] += 1
                per_request["sql_s"] += dt

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            async def one(i: int) -> httpx.Response:
                headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
                if args.post:
                    return await client.post("/api/v1/statuses", headers=headers,
                                             json={"status": f"측정용 글입니다. 안양천 산책 {i} {time.time()}"})
                return await client.get("/api/v1/timelines/home?limit=20", headers=headers)

            for i in range(20):  # warm-up (statement caches, page cache)
                (await one(10_000 + i)).raise_for_status()
            stats.clear()
            phases.clear()
            held["t"] = 0.0
            per_request.update(n=0, sql_s=0.0)
            walls = []
            size = 0
            rss_before = rss_mib()
            for i in range(0, args.requests, args.concurrency):
                last_request.clear()
                t0 = time.perf_counter()
                rs = await asyncio.gather(*(one(j) for j in range(i, min(i + args.concurrency, args.requests))))
                walls.append((time.perf_counter() - t0) / len(rs))
                for r in rs:
                    r.raise_for_status()
                    size += len(r.content)
            rss_after = rss_mib()

    n = args.requests
    what = "POST /api/v1/statuses" if args.post else "GET /api/v1/timelines/home?limit=20"
    print(f"{what}, {n} requests one at a time, in-process (no HTTP server):")
    print(f"  wall per request: mean {1000 * sum(walls) / len(walls):.2f} ms, median "
          f"{1000 * statistics.median(walls):.2f} ms  (=> at most {1 / statistics.mean(walls):.0f} req/s per "
          f"process if nothing overlapped)")
    print(f"  SQL statements per request: {per_request['n'] / n:.1f}; time waiting on them: "
          f"{1000 * per_request['sql_s'] / n:.2f} ms"
          + (f" ({100 * per_request['sql_s'] / sum(walls):.0f}% of wall)" if args.concurrency == 1 else ""))
    print(f"  response body: {size / args.requests / 1024:.1f} KiB")
    if held["t"]:
        print(f"  the single writer connection was held {1000 * held['t'] / n:.2f} ms per request "
              f"(=> at most {n / held['t']:.0f} writes/s through it, whatever the cores)")
    print(f"  RSS of this process: {rss_before} after warm-up, {rss_after} after the requests "
          f"(concurrency {args.concurrency}, SQLite cache "
          f"{'the app default' if args.sqlite_cache_kib is None else f'{args.sqlite_cache_kib} KiB'} per connection)")
    if not args.post:
        print(f"  the same {len(last_request)} statements replayed with plain sqlite3 (no ORM, no thread hop): "
              f"{1000 * replay(args.db, last_request):.2f} ms")
    if phases:
        print("  phases (inclusive ms per request; SQL waits included where they happen):")
        for key, total in phases.items():
            print(f"    {1000 * total / n:6.2f} ms  {key}")
        print(f"    {1000 * (sum(walls) - sum(phases.values())) / n:6.2f} ms  the rest: ASGI transport, middleware, "
              f"FastAPI routing, params, link header")
    print("  statements (count per request, mean ms each):")
    for sql, times in sorted(stats.items(), key=lambda kv: -sum(kv[1])):
        print(f"    {len(times) / n:5.2f} × {1000 * statistics.mean(times):6.3f} ms  {sql}")


if __name__ == "__main__":
    asyncio.run(main())
