"""SQLite statements without a thread hop each.

aiosqlite runs every statement on a helper thread and SQLAlchemy's adapter awaits it several
times per statement; for the short indexed statements of this app that hand-off costs ten times the
query (bench/micro_queries.py: ~300 µs against ~30 µs). So units of work on SQLite run the
synchronous driver inline on the event loop (decision 0005). ``InlineSession`` offers the
part of AsyncSession's API that madang's code uses, so domain code is the same on both
databases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

# Set on a pooled connection's info when its transaction was begun outside SQLAlchemy.
BEGUN = "madang_begun"


class InlineSession:
    """An AsyncSession look-alike over a synchronous Session."""

    def __init__(self, session: Session | None = None, *, factory: Callable[..., Session] | None = None,
                 engine: Engine | None = None) -> None:
        """Either wraps ``session``, or (a read unit) makes one from ``factory`` only when ORM
        code asks for it: a timeline page runs only prebuilt statements on the driver
        connection (madang.db.fast_select), and a Session's set-up and tear-down cost more
        than those statements (bench: 57 µs a unit against 9 µs for a pooled connection)."""
        self._session = session
        self._factory = factory
        self._engine = engine
        self._pooled: Any = None  # a pool checkout made by driver_connection(), not yet ORM-owned
        self._bound: Connection | None = None
        self._driver_connection: Any = None

    @property
    def sync_session(self) -> Session:
        if self._session is None:
            assert self._factory is not None
            if self._pooled is not None:
                # The driver connection already began this unit's transaction: the ORM joins
                # it (the begin hook in madang.db.sqlite skips its BEGIN once).
                self._pooled.info[BEGUN] = True
                self._bound = Connection(self._engine, connection=self._pooled)  # type: ignore[arg-type]
                self._pooled = None
                self._session = self._factory(bind=self._bound)
            else:
                self._session = self._factory()
        return self._session

    def driver_connection(self) -> Any:
        """The sqlite3 connection of this unit's transaction (begun if need be), looked up
        once per unit."""
        if self._driver_connection is None:
            if self._session is None and self._engine is not None:
                self._pooled = self._engine.pool.connect()
                self._driver_connection = self._pooled.driver_connection
                self._driver_connection.execute("BEGIN")
            else:
                self._driver_connection = self.sync_session.connection().connection.driver_connection
        return self._driver_connection

    def autoflush(self) -> None:
        """Write pending ORM changes before a statement on the driver connection, as the ORM
        does before its own queries (a prebuilt check after an add in the same unit)."""
        if self._session is not None:
            self._session._autoflush()

    def close_unit(self) -> None:
        """End a read unit: roll back and hand the connection back to the pool."""
        try:
            if self._session is not None:
                self._session.close()
            if self._bound is not None:
                self._bound.close()
        finally:
            if self._pooled is not None:
                self._pooled.close()  # the pool's reset-on-return rolls back
            self._pooled = self._bound = self._session = self._driver_connection = None

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
        self._driver_connection = None
        self.sync_session.commit()

    async def rollback(self) -> None:
        self._driver_connection = None
        self.sync_session.rollback()

    async def close(self) -> None:
        self.sync_session.close()
