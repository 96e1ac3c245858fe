"""Group commit for this process's SQLite writer.

A COMMIT writes every page its transaction dirtied to the WAL; with one writer, the posts of
a burst wait for each other's commits in turn. Here the write units that queue up behind
each other share one transaction: each unit runs in a SAVEPOINT (released on success,
rolled back on error, so a failing unit changes nothing and the others keep their work),
and a flusher that queues behind them on the same lock commits once for all. No unit
returns before the COMMIT that holds its rows, so "it returned" still means "it is
durable and visible"; its after-commit callbacks run then too. If the COMMIT itself fails,
every unit of the batch raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from madang.db.inline import InlineSession
from madang.db.sqlite import begin_immediate_on


class GroupCommitWriter:
    def __init__(self, engine: Engine, sessions: Callable[..., Session], lock: asyncio.Lock,
                 session_info: dict[str, object], after_commit_key: str) -> None:
        self._engine = engine
        self._sessions = sessions
        self._lock = lock
        self._session_info = session_info
        self._after_commit_key = after_commit_key
        self._connection: Connection | None = None
        self._batch: list[tuple[list[Callable[[], None]], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[InlineSession]:
        loop = asyncio.get_running_loop()
        async with self._lock:
            if self._connection is None:
                connection = self._engine.connect()
                try:
                    await begin_immediate_on(connection)
                except BaseException:
                    connection.close()
                    raise
                self._connection = connection
            session = self._sessions(bind=self._connection, join_transaction_mode="create_savepoint")
            session.info.update(self._session_info)
            try:
                yield InlineSession(session)  # type: ignore[misc]
                session.commit()  # releases this unit's savepoint
            except BaseException:
                try:
                    session.rollback()  # back to this unit's savepoint
                finally:
                    session.close()
                    if not self._batch:
                        self._end(commit=False)
                raise
            callbacks = session.info.pop(self._after_commit_key, [])
            session.close()
            done: asyncio.Future[None] = loop.create_future()
            self._batch.append((callbacks, done))
            if self._flusher is None or self._flusher.done():
                # Queues behind the units already waiting for the lock: they join this batch.
                self._flusher = loop.create_task(self._flush())
        await asyncio.shield(done)

    async def _flush(self) -> None:
        async with self._lock:
            batch, self._batch = self._batch, []
            if not batch:
                return
            try:
                self._end(commit=True)
            except BaseException as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                return
        _settle(batch)

    def _end(self, *, commit: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if commit:
                connection.commit()
            else:
                connection.rollback()
        finally:
            connection.close()

    def close(self) -> None:
        """At dispose: a batch still open is committed (its units are awaiting it)."""
        batch, self._batch = self._batch, []
        self._end(commit=bool(batch))
        _settle(batch)


def _settle(batch: list[tuple[list[Callable[[], None]], asyncio.Future[None]]]) -> None:
    """Each unit's after-commit callbacks, then its return; a callback's error is that
    unit's error, as when units committed one by one."""
    for callbacks, done in batch:
        try:
            for callback in callbacks:
                callback()
        except Exception as exc:
            if not done.done():
                done.set_exception(exc)
            continue
        if not done.done():
            done.set_result(None)
