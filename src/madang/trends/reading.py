"""Running the trends job's heavy reads without stalling the event loop.

On SQLite, units of work run the driver inline on the loop (decision 0005), so the 1.2 s
of counting a 1M-post instance needs would stall every request of the process. Here they
run on a connection of their own, in a worker thread: pysqlite releases the GIL while
SQLite steps, and a reader in WAL mode neither waits for nor blocks the writer. The reads
share one transaction, so every count comes from one snapshot. On PostgreSQL the query
runs on the server and asyncpg awaits it, which leaves the loop free already.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from madang.db import Database

RunQuery = Callable[[Select], Awaitable[list[Any]]]


def _sqlite_reader(url: str) -> Any:
    engine = create_engine(make_url(url).set(drivername="sqlite+pysqlite"), poolclass=NullPool,
                           connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is ours, see below
        for pragma in ("busy_timeout = 10000", "query_only = ON", "temp_store = MEMORY",
                       # Not mapped: the wide ranges read here would count in resident memory.
                       "mmap_size = 0"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


@asynccontextmanager
async def off_loop_reader(db: Database) -> AsyncIterator[RunQuery]:
    """Yields ``run(statement) -> rows`` for statements too heavy for the loop."""
    if not db.is_sqlite:
        async with db.read() as session:
            async def run_async(statement: Select) -> list[Any]:
                return list((await session.execute(statement)).all())
            yield run_async
        return

    engine = _sqlite_reader(db.url)
    # One thread of its own, so the close queues behind a query that a cancellation (a
    # shutdown) left running: two threads on one sqlite3 connection can crash the process.
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="madang-trends-reader")
    loop = asyncio.get_running_loop()
    connection: Connection = await loop.run_in_executor(thread, engine.connect)
    try:
        # One read transaction for all the statements: one snapshot of the database.
        await loop.run_in_executor(thread, connection.exec_driver_sql, "BEGIN")

        async def run_in_thread(statement: Select) -> list[Any]:
            return await loop.run_in_executor(thread, lambda: list(connection.execute(statement).all()))
        yield run_in_thread
    finally:
        closing = loop.run_in_executor(thread, _close, connection, engine)
        thread.shutdown(wait=False)  # the thread ends once the close has run
        await asyncio.shield(closing)


def _close(connection: Connection, engine: Any) -> None:
    connection.close()  # the pool's reset rolls the read transaction back
    engine.dispose()
