"""Failures that are not the program's fault and pass by themselves (issue 16, decision 0058): a
full disk (SQLite's file, the media folder, PostgreSQL's own) and a database that is away
(PostgreSQL restarting, a connection cut). Surfaces answer them 503 with Retry-After
(``server_errors``), the job worker waits them out; both log one line instead of a traceback."""

from __future__ import annotations

import errno
import sqlite3

DISK_FULL, DATABASE_AWAY = "disk full", "database unavailable"
RETRY_AFTER = {DISK_FULL: "60", DATABASE_AWAY: "5"}
# asyncpg's classes by name (the module is only imported on PostgreSQL): the server going away,
# refusing connections while it starts or stops, or out of connections; its own disk full.
_PG_AWAY = {"PostgresConnectionError", "OperatorInterventionError", "TooManyConnectionsError"}
_PG_FULL = {"DiskFullError"}


def unavailable_message(reason: str) -> str:
    if reason == DISK_FULL:
        return "The server's disk is full: nothing was saved. Please try again later."
    return "The database is unavailable for a moment: nothing was saved. Please try again shortly."


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (SQLAlchemy's ``orig``) and its causes, outermost first."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return seen


def unavailable(exc: BaseException) -> str | None:
    """DISK_FULL or DATABASE_AWAY when ``exc`` comes from one of them, else None."""
    for e in _causes(exc):
        names = {c.__name__ for c in type(e).__mro__}
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if isinstance(e, sqlite3.Error) and getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DISK_FULL
        if names & _PG_FULL:
            return DISK_FULL
        if names & _PG_AWAY or isinstance(e, ConnectionError) or getattr(e, "connection_invalidated", False):
            return DATABASE_AWAY
        if type(e).__module__.startswith("asyncpg") and "InterfaceError" in names and "closed" in str(e):
            return DATABASE_AWAY
    return None
