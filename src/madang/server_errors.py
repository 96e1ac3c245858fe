"""The last line of defence: an exception no handler took becomes one short log entry and a 500.

Starlette's own handler answers the 500 and then re-raises, and the server logs the whole
traceback: a RecursionError from input nested a thousand levels deep wrote some 187 KB per
request. This middleware answers instead, and logs the exception once with the innermost
frames of each traceback and a bounded length.

Two kinds of failure are not the program's fault and pass by themselves (issue 16, decision 0058):
a full disk (SQLite's file, the media folder, PostgreSQL's own) and a database that is away
(PostgreSQL restarting, a connection cut). ``unavailable`` names them; the app answers them with
a 503 and Retry-After (``unavailable_message``), logged as one warning line, not a traceback: a
client retries a 503, and the operator reads what to fix (docs/ops/faults.md). Nothing was
written: the request's unit of work rolled back."""

from __future__ import annotations

import errno
import logging
import sqlite3
import traceback
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("madang.errors")
FRAMES = 12  # innermost frames kept of each traceback in a chain
MAX_CHARS = 8_000
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


def short_traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-FRAMES))
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS // 2] + "\n[…]\n" + text[-MAX_CHARS // 2:]
    return text


class ServerErrors:
    def __init__(self, app: ASGIApp, respond: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            reason = unavailable(exc)
            if reason is not None:  # one line, not a traceback: the operator's fix is not in the code
                log.warning("%s %s: %s (%s), answered 503", scope.get("method"), scope.get("path"), reason,
                            str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
            else:
                log.error("%s %s failed: %s", scope.get("method"), scope.get("path"), short_traceback(exc))
            if not started:  # otherwise the server closes the half-sent response
                response = await self.respond(Request(scope), exc)
                await response(scope, receive, send)
