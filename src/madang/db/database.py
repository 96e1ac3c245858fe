"""One Database object per process: engines and units of work.

SQLite: units run the synchronous driver inline on the event loop (decision 0005): readers
``BEGIN`` on a small pool; one writer connection takes the write lock with ``BEGIN
IMMEDIATE`` (waiting for other processes by sleeping on the loop), and an asyncio lock
queues this process's writers for it. PostgreSQL: one asyncpg engine for both, and a second one
for a streaming replica that ``@replica_read`` use cases may read from (db.replicas, decision 0065);
behind pgbouncer in transaction pooling mode, no named prepared statements (``pooler``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from madang.core import metrics
from madang.db.after_commit import AFTER_COMMIT, after_commit
from madang.db.checkpoints import Checkpointer
from madang.db.group_commit import GroupCommit
from madang.db.inline import InlineSession
from madang.db.replicas import ROUTER, ReplicaRouter, acting_account
from madang.db.sqlite import async_engine, begin_immediate, ensure_sqlite_folder, inline_engine

if TYPE_CHECKING:
    from madang.core.settings import Settings

__all__ = ["AFTER_COMMIT", "Database", "after_commit", "ensure_sqlite_folder", "pg_engine_options"]

POOLERS = ("", "pgbouncer")


CACHES = "db.caches"

T = TypeVar("T")


def pg_engine_options(pooler: str | None) -> dict[str, Any]:
    """create_async_engine arguments for a PostgreSQL server reached through ``pooler``.

    pgbouncer in transaction pooling mode (1.18, Debian 12's) gives each transaction any server
    connection, so a named prepared statement made on one may be missing, or already taken, on
    the next. asyncpg's statement cache and SQLAlchemy's are turned off and every statement is
    prepared unnamed (the name function returns ""): asyncpg then parses it again in the same
    message sequence as its execution, and nothing is left behind on the server connection."""
    if not pooler:
        return {}
    if pooler != "pgbouncer":
        raise ValueError(f"unknown database pooler {pooler!r}: expected one of {POOLERS}")
    return {"connect_args": {"statement_cache_size": 0, "prepared_statement_cache_size": 0,
                             "prepared_statement_name_func": lambda: ""}}


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, replica_url: str | None = None,
                 pooler: str | None = None, redis_url: str | None = None, replica_max_lag: float = 10.0) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # What every write unit's session.info starts with (the app's event bus, see events).
        self.session_info: dict[str, object] = {}
        # Rows that never change once committed (tags), cached per database by the domain:
        # one dict shared by every unit of this Database, reached as session.info[CACHES].
        self.session_info[CACHES] = {}
        if self.is_sqlite:
            ensure_sqlite_folder(url)
            # AsyncEngines for code that needs one (schema checks); units use the inline ones.
            self.reader = async_engine(url, begin="BEGIN", pool_size=2)
            self.writer = async_engine(url, begin="BEGIN IMMEDIATE", pool_size=1)
            # Inline read units do not interleave, so a few connections are plenty.
            self._inline_reader = inline_engine(url, pool_size=min(pool_size, 4))
            self._inline_writer = inline_engine(url, pool_size=1, writer=True)
            self._inline_reads = sessionmaker(self._inline_reader, expire_on_commit=False, autoflush=False)
            self._inline_writes = sessionmaker(self._inline_writer, expire_on_commit=False, autoflush=False)
            self._write_lock = asyncio.Lock()
            self._checkpointer: Checkpointer | None = None
        else:
            options = pg_engine_options(pooler)
            self.reader = self.writer = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, **options
            )
            self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False, autoflush=False)
            self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False, autoflush=False)
        self.replicas: ReplicaRouter | None = None
        if replica_url and not self.is_sqlite:
            replica = create_async_engine(replica_url, pool_size=pool_size, max_overflow=pool_size,
                                          pool_pre_ping=True, **_with_connect_timeout(pg_engine_options(pooler)))
            self.replicas = ReplicaRouter(primary=self.writer, replica=replica, max_lag=replica_max_lag,
                                          redis_url=redis_url)
        self._group_commit = GroupCommit(self)
        if metrics.recorder is not None:  # timed only when metrics are on (decision 0055): free when off
            self.read, self.write = _timed(self.read, "read"), _timed(self.write, "write")  # type: ignore[method-assign]

    @classmethod
    def of(cls, settings: Settings, *, replica: bool = True, pool_size: int = 10) -> Database:
        """The Database ``settings`` describe (a web process reads from the replica; jobs and
        commands pass ``replica=False``)."""
        return cls(settings.database_url, pool_size=pool_size, pooler=settings.database_pooler,
                   replica_url=settings.database_replica_url if replica else None, redis_url=settings.redis_url,
                   replica_max_lag=settings.database_replica_max_lag_seconds)

    @property
    def read_sync_engine(self) -> Engine:
        """The engine read units run on (for statement counting in tests and probes)."""
        return self._inline_reader if self.is_sqlite else self.reader.sync_engine

    @property
    def write_sync_engine(self) -> Engine:
        return self._inline_writer if self.is_sqlite else self.writer.sync_engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        # Closing (not rolling back) keeps the loaded objects readable after the block;
        # the connection's transaction is rolled back as it returns to the pool.
        if self.is_sqlite:
            unit = InlineSession(factory=self._inline_reads, engine=self._inline_reader)
            try:
                yield unit  # type: ignore[misc]
            finally:
                unit.close_unit()
            return
        async with self._read_sessions() as session:
            if self.replicas is not None:
                session.info[ROUTER] = self.replicas  # the first @replica_read call decides (db.replicas)
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error, then runs
        the after-commit callbacks (event publishing, waking the worker)."""
        if self.is_sqlite:
            recorder = metrics.recorder
            waiting = time.perf_counter() if recorder is not None else 0.0
            async with self._write_lock:
                with self._inline_writes() as inline:
                    await begin_immediate(inline)
                    if recorder is not None:  # this process's writers queued, then other processes' units
                        recorder.lock_wait(time.perf_counter() - waiting)
                    inline.info.update(self.session_info)
                    try:
                        yield InlineSession(inline)  # type: ignore[misc]
                        inline.commit()
                    except BaseException:
                        inline.rollback()
                        raise
                    callbacks = inline.info.pop(AFTER_COMMIT, [])
        else:
            async with self._write_sessions() as session:
                session.info.update(self.session_info)
                try:
                    yield session
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                callbacks = session.info.pop(AFTER_COMMIT, [])
            if self.replicas is not None and (account_id := acting_account.get()) is not None:
                await self.replicas.wrote(account_id)  # read-your-writes: before the response goes out
        for callback in callbacks:
            callback()

    async def write_grouped(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work(session)`` as one unit of work, which on SQLite may share its transaction
        (each in its own savepoint) with other calls waiting at the same moment
        (db.group_commit). For hot writes whose callers come in bursts: posts."""
        return await self._group_commit.run(work)

    def checkpoint_in_background(self) -> None:
        """A server's choice (app lifespan): the writer stops checkpointing inside its COMMITs and
        a background task does it (db.checkpoints). Scripts and tests keep SQLite's default."""
        if not self.is_sqlite or self._checkpointer is not None:
            return
        path = make_url(self.url).database
        if not path or path == ":memory:":
            return
        raw = self._inline_writer.raw_connection()
        try:
            # If the pool ever opens a new writer connection, it checkpoints by itself again: safe.
            raw.driver_connection.execute("PRAGMA wal_autocheckpoint = 0")
        finally:
            raw.close()
        self._checkpointer = Checkpointer(Path(path))
        self._checkpointer.start()

    async def dispose(self) -> None:
        if self.is_sqlite and self._checkpointer is not None:
            await self._checkpointer.stop()
            self._checkpointer = None
        if self.replicas is not None:
            await self.replicas.stop()
            await self.replicas.replica.dispose()
        await self.reader.dispose()
        if self.writer is not self.reader:
            await self.writer.dispose()
        if self.is_sqlite:
            self._inline_reader.dispose()
            self._inline_writer.dispose()


def _with_connect_timeout(options: dict[str, Any]) -> dict[str, Any]:
    # A replica that does not answer is left for the primary: never wait long to connect.
    connect_args = {**options.get("connect_args", {}), "timeout": 2 * 1.0}
    return {**options, "connect_args": connect_args}


def _timed(unit: Callable[[], AbstractAsyncContextManager[AsyncSession]],
           kind: str) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """``unit`` whose duration (lock wait, work and commit) goes to the metrics recorder."""

    @asynccontextmanager
    async def timed() -> AsyncIterator[AsyncSession]:
        started = time.perf_counter()
        try:
            async with unit() as session:
                yield session
        finally:
            if metrics.recorder is not None:
                metrics.recorder.unit(kind, time.perf_counter() - started)

    return timed
