"""SQLite statements without a thread hop each.

aiosqlite runs every statement on a helper thread and SQLAlchemy's adapter awaits it several
times per statement; for the short indexed statements of this app that hand-off costs ten times the
query (bench/micro_queries.py: ~300 µs against ~30 µs). So units of work on SQLite run the
synchronous driver inline on the event loop (decision 0005). ``InlineSession`` offers the
part of AsyncSession's API that madang's code uses, so domain code is the same on both
databases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.orm import Session


class InlineSession:
    """An AsyncSession look-alike over a synchronous Session."""

    def __init__(self, session: Session) -> None:
        self.sync_session = session

    @property
    def info(self) -> dict[Any, Any]:
        return self.sync_session.info

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.get_bind(*args, **kwargs)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.execute(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.scalars(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.scalar(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(*args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        self.sync_session.refresh(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        self.sync_session.flush(*args, **kwargs)

    def add(self, instance: object) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Any) -> None:
        self.sync_session.add_all(instances)

    def expunge(self, instance: object) -> None:
        self.sync_session.expunge(instance)

    def expunge_all(self) -> None:
        self.sync_session.expunge_all()

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[Any]:
        with self.sync_session.begin_nested() as savepoint:
            yield savepoint

    async def commit(self) -> None:
        self.sync_session.commit()

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def close(self) -> None:
        self.sync_session.close()
