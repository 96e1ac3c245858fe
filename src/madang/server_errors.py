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

import logging
import traceback
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from madang.db.faults import DATABASE_AWAY, DISK_FULL, RETRY_AFTER, unavailable, unavailable_message

log = logging.getLogger("madang.errors")
FRAMES = 12  # innermost frames kept of each traceback in a chain
MAX_CHARS = 8_000
__all__ = ["DATABASE_AWAY", "DISK_FULL", "RETRY_AFTER", "ServerErrors", "short_traceback", "unavailable",
           "unavailable_message"]


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
