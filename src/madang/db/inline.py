"""Reads on SQLite without a thread hop per statement.

aiosqlite runs every statement on a helper thread and SQLAlchemy's adapter awaits it several
times per statement; for the short indexed reads of a timeline that hand-off costs ten times
the query (bench/micro_queries.py: ~300 µs against ~30 µs). In WAL mode a reader never waits
for a writer, so read units run the synchronous driver inline on the event loop instead.
``InlineSession`` offers the part of AsyncSession's API that read code uses, so domain
code is the same on both databases; writes keep the async writer connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


class InlineSession:
    """An AsyncSession look-alike over a synchronous Session (reads only)."""

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

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def close(self) -> None:
        self.sync_session.close()
