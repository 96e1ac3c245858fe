"""One Database object per process: engines and units of work.

SQLite gets two engines: readers that ``BEGIN`` (deferred) on a small pool, and one
writer connection that ``BEGIN IMMEDIATE`` so writers queue in-process instead of
failing with SQLITE_BUSY mid-transaction. PostgreSQL uses one engine for both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

from madang.db.inline import InlineSession

AFTER_COMMIT = "after_commit"


def _install_pragmas(sync_engine: Engine, begin: str) -> None:
    @event.listens_for(sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves; the driver's implicit BEGIN would be DEFERRED.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")  # first, so the rest can wait
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA cache_size = -32000")
        cur.execute("PRAGMA mmap_size = 268435456")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


def _sqlite_engine(url: str, *, begin: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
    )
    _install_pragmas(engine.sync_engine, begin)
    return engine


def _sqlite_inline_engine(url: str, *, pool_size: int) -> Engine:
    """The synchronous driver for inline reads (see madang.db.inline); the pool is only
    ever used from the event loop's thread, which need not be the one that made it."""
    engine = create_engine(
        make_url(url).set(drivername="sqlite+pysqlite"),
        poolclass=QueuePool, pool_size=pool_size, max_overflow=0,
        connect_args={"check_same_thread": False},
    )
    _install_pragmas(engine, "BEGIN")
    return engine


def ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            ensure_sqlite_folder(url)
            self.reader = _sqlite_engine(url, begin="BEGIN", pool_size=pool_size)
            self.writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE", pool_size=1)
            self._inline = _sqlite_inline_engine(url, pool_size=pool_size)
            self._inline_sessions = sessionmaker(self._inline, expire_on_commit=False, autoflush=False)
        else:
            self.reader = self.writer = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False, autoflush=False)
        self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False, autoflush=False)

    @property
    def read_sync_engine(self) -> Engine:
        """The engine read units run on (for statement counting in tests and probes)."""
        return self._inline if self.is_sqlite else self.reader.sync_engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        # Closing (not rolling back) keeps the loaded objects readable after the block;
        # the connection's transaction is rolled back as it returns to the pool.
        if self.is_sqlite:
            with self._inline_sessions() as inline:
                yield InlineSession(inline)  # type: ignore[misc]
            return
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error, then runs
        the after-commit callbacks (event publishing, waking the worker)."""
        async with self._write_sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            for callback in session.info.pop(AFTER_COMMIT, []):
                callback()

    async def dispose(self) -> None:
        await self.reader.dispose()
        if self.is_sqlite:
            self._inline.dispose()
        if self.writer is not self.reader:
            await self.writer.dispose()


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)
