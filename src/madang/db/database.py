"""One Database object per process: engines and units of work.

SQLite: units run the synchronous driver inline on the event loop (decision 0005): readers
``BEGIN`` on a small pool; one writer connection takes the write lock with ``BEGIN
IMMEDIATE`` (waiting for other processes by sleeping on the loop), and an asyncio lock
queues this process's writers for it. PostgreSQL: one asyncpg engine for both.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from madang.core import metrics
from madang.db.after_commit import AFTER_COMMIT, after_commit
from madang.db.checkpoints import Checkpointer
from madang.db.group_commit import GroupCommit
from madang.db.inline import InlineSession
from madang.db.sqlite import async_engine, begin_immediate, ensure_sqlite_folder, inline_engine

__all__ = ["AFTER_COMMIT", "Database", "after_commit", "ensure_sqlite_folder"]


CACHES = "db.caches"

T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, pool_size: int = 10) -> None:
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
            self.reader = self.writer = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
            self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False, autoflush=False)
            self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False, autoflush=False)
        self._group_commit = GroupCommit(self)
        if metrics.recorder is not None:  # timed only when metrics are on (decision 0055): free when off
            self.read, self.write = _timed(self.read, "read"), _timed(self.write, "write")  # type: ignore[method-assign]

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
        await self.reader.dispose()
        if self.writer is not self.reader:
            await self.writer.dispose()
        if self.is_sqlite:
            self._inline_reader.dispose()
            self._inline_writer.dispose()


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
