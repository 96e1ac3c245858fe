"""SQLite engines: pragmas, the inline (synchronous) driver, and taking the write lock
without blocking the event loop."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

from madang.db.inline import BEGUN

BUSY_TIMEOUT_MS = 10_000


def _journal_wal(cur: Any) -> None:
    """WAL mode. Switching (even to the mode it is in) can answer "database is locked" at once,
    without the busy handler, while another connection checkpoints or recovers the WAL (seen when
    a test opened the file as a server started); retried briefly, rarely, only when connecting."""
    import sqlite3
    import time

    for attempt in range(100):
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.02)


def _install_pragmas(sync_engine: Engine, *, begin: str | None, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                     mmap: bool = True) -> None:
    @event.listens_for(sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves; the driver's implicit BEGIN would be DEFERRED.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")  # first, so the rest can wait
        _journal_wal(cur)
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        # Small per-connection caches: the mmap below serves hot pages without a copy each (a
        # bigger writer cache made no difference to a post's write unit, measured at 4-16 MB).
        cur.execute("PRAGMA cache_size = -4000")
        # Readers map the file; the writer does not: jobs on the writer (trends, large
        # fan-outs) read wide ranges, and mapped pages count in the process's resident memory.
        cur.execute(f"PRAGMA mmap_size = {268435456 if mmap else 0}")
        cur.close()

    if begin is not None:
        @event.listens_for(sync_engine, "begin")
        def _begin(conn: Any) -> None:
            if conn.connection.info.pop(BEGUN, False):
                return  # begun on the driver connection already (madang.db.inline)
            conn.exec_driver_sql(begin)


def async_engine(url: str, *, begin: str, pool_size: int) -> AsyncEngine:
    """aiosqlite engines: kept for code that wants an AsyncEngine (migration checks)."""
    engine = create_async_engine(url, poolclass=AsyncAdaptedQueuePool, pool_size=pool_size, max_overflow=0,
                                 pool_timeout=60)
    _install_pragmas(engine.sync_engine, begin=begin)
    return engine


def inline_engine(url: str, *, pool_size: int, writer: bool = False) -> Engine:
    """pysqlite for inline units (see madang.db.inline). The pool is only ever used from
    the event loop's thread, which need not be the one that made it. The writer does not
    wait for locks inside SQLite (that would block the loop): see :func:`begin_immediate`."""
    engine = create_engine(
        make_url(url).set(drivername="sqlite+pysqlite"),
        poolclass=QueuePool, pool_size=pool_size, max_overflow=0, pool_timeout=0.001,
        connect_args={"check_same_thread": False},
    )
    if writer:
        _install_pragmas(engine, begin=None, busy_timeout_ms=0, mmap=False)
    else:
        _install_pragmas(engine, begin="BEGIN")
    return engine


async def begin_immediate(session: Session, *, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Take SQLite's write lock for this unit of work. Another process may hold it: then
    wait by sleeping on the event loop, so this process keeps serving reads meanwhile.
    Once held, the statements of the unit never wait (WAL: one writer at a time)."""
    connection = session.connection()
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            busy = isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig)
            if not busy or time.monotonic() > deadline:
                raise
        # Another process's unit lasts a few milliseconds: look again soon (a try costs tens of
        # microseconds), with jitter so two waiting processes do not keep colliding. Backing off
        # to 50 ms left the lock free most of the time a second process waited.
        await asyncio.sleep(random.uniform(0.0003, 0.0015))


def ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
