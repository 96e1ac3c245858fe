"""Group commit on SQLite: the hot writes that arrive together share one transaction.

A post costs the single SQLite writer about 2 ms, a third of it the COMMIT and the taking of
the write lock; with two server processes each also starts with a cold page cache whenever
the other one wrote last. So posts waiting at the same moment go into one write unit, each
inside its own SAVEPOINT (decision 0026): a post that fails rolls back alone and gets its
own error, and no caller hears of success before the shared COMMIT is done. A crash before
the COMMIT loses only posts whose callers never got an answer. On PostgreSQL every call is
its own unit, as ``Database.write``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.after_commit import AFTER_COMMIT

T = TypeVar("T")

# Bounds one unit's length (and so the wait of the first caller in it, and of readers in
# this process, since the unit runs inline): at ~1.5 ms a post, 32 posts are ~50 ms.
MAX_GROUP = 32

Work = Callable[[AsyncSession], Awaitable[Any]]


class Units(Protocol):
    """What group commit needs of its Database (db.database owns one of these; naming the class
    here would make the two modules import each other)."""

    is_sqlite: bool

    def write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class GroupCommit:
    """Runs ``work(session)`` callables for one Database, several to a write unit."""

    def __init__(self, db: Units, *, max_group: int = MAX_GROUP) -> None:
        self._db = db
        self._max_group = max_group
        self._pending: list[tuple[Work, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        if not self._db.is_sqlite:
            async with self._db.write() as session:
                return await work(session)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((work, future))
        if self._flusher is None or self._flusher.done():
            # Started as a task, so the requests already parsed in this turn of the loop
            # reach the queue before the unit takes it.
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await future

    def _take(self) -> list[tuple[Work, asyncio.Future[Any]]]:
        group, self._pending = self._pending[:self._max_group], self._pending[self._max_group:]
        return group

    async def _flush(self) -> None:
        while self._pending:
            group: list[tuple[Work, asyncio.Future[Any]]] = []
            try:
                async with self._db.write() as session:
                    # Taken once the write lock is held: what arrived while another
                    # process held it goes in too.
                    group = self._take()
                    outcomes = [await self._one(session, work) for work, _ in group]
            except BaseException as exc:
                # The unit itself failed (no write lock in time, the COMMIT): every caller
                # in it hears so; a cancelled flusher (shutdown) fails all who wait.
                failed = group or self._take()
                if not isinstance(exc, Exception):
                    failed += self._pending
                    self._pending = []
                for _, future in failed:
                    if not future.done():
                        future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, future), (ok, value) in zip(group, outcomes):
                if future.done():  # the caller went away; its write stands, as a lone unit's would
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    @staticmethod
    async def _one(session: AsyncSession, work: Work) -> tuple[bool, Any]:
        callbacks = session.info.setdefault(AFTER_COMMIT, [])
        mark = len(callbacks)
        try:
            async with session.begin_nested():
                return True, await work(session)
        except Exception as exc:  # this caller's error (refused post, bad reply target)
            del callbacks[mark:]  # its events and wake-ups never happened
            return False, exc
