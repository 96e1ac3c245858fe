"""The access log `madang serve` writes: one line a request in the Combined Log Format (Apache's and
nginx's default, which GoAccess, AWStats, fail2ban and log shippers read as it is), with the
request's duration in seconds appended as nginx's ``$request_time`` is (docs/decisions/0034), and
then the request id (``X-Request-Id``, decision 0056; ``-`` when there is none):

    203.0.113.7 - - [07/Dec/2026:09:30:00 +0900] "GET /@anyanglove HTTP/1.1" 200 5120 "-" "Mozilla/5.0 ..." 0.004 5f0c2a…

With MADANG_LOG_FORMAT=json each line is a JSON object with the same fields instead
(docs/ops/logging.md).

The client address is the one uvicorn resolved: a proxy's X-Forwarded-For is honoured only from the
addresses in uvicorn's FORWARDED_ALLOW_IPS (default 127.0.0.1, a proxy on the same host). Secrets
never reach the line: values of query parameters named like a credential (``access_token``,
``code``, ``password``, ``api_key``, …) and the token segments of links that are credentials
themselves (password reset, e-mail confirmation, a guest's 민원 link) become ``[FILTERED]``; the
referrer is logged without its query; no cookie or Authorization header is ever read; an e-mail
address anywhere in the target becomes ``[email]`` (a WebFinger ``acct:`` handle, public, stays).

Lines are written with one ``os.write`` each (whole lines even with several web processes on one
file or pipe), cheaply: the timestamp is formatted once a second.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from madang.ops.logging_setup import iso_time

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FILTERED = b"[FILTERED]"
# A query parameter whose name (lower-cased; cheaper than re.I) contains one of these carries a
# credential or personal data.
_SECRET_NAME = re.compile(rb"token|code|pass|secret|key|sig|session|csrf|auth|otp|ticket|email|phone")
# Paths whose last segments are credentials: /auth/password/<token>, /auth/confirm/<token>,
# /desk/g/<case>/<token>[/rate].
_SECRET_PREFIXES = (b"/auth/password/", b"/auth/confirm/", b"/desk/g/")
_SECRET_PATH = re.compile(rb"^(/auth/(?:password|confirm)/|/desk/g/[^/]+/)[^/]+")
_FILTERED_PATH = rb"\1" + FILTERED
# Bytes a log line must not carry raw (quotes and backslashes would break the quoted fields,
# control characters would forge lines): escaped as \xHH, as Apache does.
_UNSAFE = re.compile(rb'[\x00-\x1f"\\\x7f-\xff]')
# An e-mail address, but not a fediverse handle asked for as ``acct:user@host`` (WebFinger): public,
# and what an operator reads to follow a federation lookup.
_EMAIL = re.compile(rb"(?<![\w.%+-])(?<!acct:)(?!acct%3[Aa])"
                    rb"[\w.%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_REQUEST_ID = b"x-request-id"  # set on the response by madang.ops.logging_request_ids


def _escape(value: bytes) -> str:
    return _UNSAFE.sub(lambda m: b"\\x%02x" % m.group()[0], value).decode("ascii")


def redacted_target(path: bytes, query: bytes) -> bytes:
    """The request target to log: credential path segments and query values replaced."""
    if path.startswith(_SECRET_PREFIXES):
        path = _SECRET_PATH.sub(_FILTERED_PATH, path)
    if not query:
        return path
    parts = []
    for part in query.split(b"&"):
        name, eq, _ = part.partition(b"=")
        parts.append(name + eq + FILTERED if eq and _SECRET_NAME.search(name.lower()) else part)
    target = path + b"?" + b"&".join(parts)
    return _EMAIL.sub(b"[email]", target) if b"@" in target or b"%40" in target else target


def _referrer(value: bytes) -> bytes:
    return value.split(b"?", 1)[0].split(b"#", 1)[0]


class _Clock:
    """The CLF timestamp, formatted once a second."""

    def __init__(self) -> None:
        self.second = -1
        self.text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self.second:
            self.second = second
            self.text = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second))
        return self.text


class AccessLog:
    """ASGI middleware: one line per HTTP request, written to ``fd`` when its response ends."""

    def __init__(self, app: ASGIApp, *, fd: int = 1, json: bool = False) -> None:
        self.app = app
        self.fd = fd
        self.json = json
        self.clock = _Clock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        size = 0
        request_id = b""

        def request_id_in(headers: Any) -> bytes:
            return next((value for name, value in headers or () if name == _REQUEST_ID), b"")

        async def sending(message: Message) -> None:
            nonlocal status, size, request_id
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                status = message["status"]
                request_id = request_id_in(message.get("headers"))
            elif kind in ("http.response.body", "websocket.http.response.body"):
                size += len(message.get("body", b""))
            elif kind == "websocket.accept":
                status = 101  # a streaming connection: logged when it closes, with its duration
                request_id = request_id_in(message.get("headers"))
            elif kind == "websocket.close" and not status:
                status = 403  # refused before the handshake completed (uvicorn answers 403)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.write(scope, status or 500, size, time.perf_counter() - started, request_id)

    def write(self, scope: Scope, status: int, size: int, seconds: float, request_id: bytes = b"") -> None:
        client = scope.get("client")
        referrer = user_agent = b"-"
        for name, value in scope["headers"]:
            if name == b"referer":
                referrer = _referrer(value) or b"-"
            elif name == b"user-agent":
                user_agent = value
        target = redacted_target(scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""))
        if self.json:
            line = _json_line(client[0] if client else None, scope, target, status, size, referrer, user_agent,
                              seconds, request_id)
        else:
            line = (f'{client[0] if client else "-"} - - {self.clock.now()} "{scope.get("method", "GET")} '
                    f'{_escape(target)} HTTP/{scope.get("http_version", "1.1")}" {status} {size or "-"} '
                    f'"{_escape(referrer)}" "{_escape(user_agent)}" {seconds:.3f} {_escape(request_id) or "-"}\n')
        try:
            os.write(self.fd, line.encode())  # ASCII, but for JSON's user agents
        except OSError:
            pass  # a closed or full log must not fail the request


def _json_line(client: str | None, scope: Scope, target: bytes, status: int, size: int, referrer: bytes,
               user_agent: bytes, seconds: float, request_id: bytes) -> str:
    def text(value: bytes) -> str | None:
        return None if value == b"-" else value.decode("utf-8", "backslashreplace")

    return orjson.dumps({
        "time": iso_time(time.time()), "type": "access", "remote_addr": client,
        "method": scope.get("method", "GET"), "target": text(target),
        "protocol": f"HTTP/{scope.get('http_version', '1.1')}", "status": status, "bytes": size,
        "referrer": text(referrer), "user_agent": text(user_agent), "duration": round(seconds, 6),
        "request_id": request_id.decode("ascii", "replace") or None,
    }).decode() + "\n"


def with_access_log(app: ASGIApp, enabled: bool, *, json: bool = False) -> ASGIApp:
    return AccessLog(app, json=json) if enabled else app
