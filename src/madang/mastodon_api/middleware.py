"""ASGI middleware of the API: trailing slashes, rate-limit headers."""

from __future__ import annotations

import time
from collections import OrderedDict
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from madang.core.errors import DomainError
from madang.mastodon_api.auth import caller_for
from madang.mastodon_api.responses import error

API_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")


class StripTrailingSlash:
    """Every API path answers with or without a trailing slash (Mastodon.py asks for
    ``/api/v1/instance/``); a redirect would drop a POST body, so the path is rewritten."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/") and path.startswith(API_PREFIXES):
                scope = dict(scope)
                scope["path"] = path.rstrip("/") or "/"
                raw = scope.get("raw_path")
                if raw:
                    scope["raw_path"] = raw.rstrip(b"/") or b"/"
        await self.app(scope, receive, send)


def _bearer(scope: Scope) -> str | None:
    """The access token as the routes read it (``mastodon_api.auth.bearer``)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return value[7:].strip().decode("latin-1") or None
    query = scope.get("query_string", b"")
    if b"access_token=" in query:
        return dict(parse_qsl(query.decode("latin-1"))).get("access_token") or None
    return None


class RateLimit:
    """Mastodon's default: 300 requests per 5 minutes per account (or address), with
    X-RateLimit-* headers. Fixed windows in-process; bounded memory (LRU of keys).

    The key is the account of a valid user token, else the client's address: a header
    that merely looks like credentials (``Authorization: Basic x1``, x2, …, an unknown
    Bearer token) must not buy a fresh window. Telling a valid token costs nothing extra:
    it is the lookup the route does anyway, through the same per-process token cache, and
    the caller is handed on so the route does not repeat it."""

    WINDOW = 300

    def __init__(self, app: ASGIApp, *, limit: int, max_keys: int = 100_000) -> None:
        self.app = app
        self.limit = limit
        self.max_keys = max_keys
        self.windows: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._limit_header = str(limit).encode()
        self._reset_cache: tuple[int, bytes] = (-1, b"")

    def _reset_header(self, window_start: int) -> bytes:
        """Formatted once per window, not once per request."""
        if self._reset_cache[0] != window_start:
            text = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(window_start + self.WINDOW))
            self._reset_cache = (window_start, text.encode())
        return self._reset_cache[1]

    async def _key(self, scope: Scope) -> str:
        secret = _bearer(scope)
        if secret:
            try:
                caller = await caller_for(scope["app"].state.ctx, secret)
            except DomainError:  # unknown, revoked, unconfirmed: the route answers it
                caller = None
            if caller is not None and caller.account is not None:
                scope.setdefault("state", {})["caller"] = caller  # read by auth.load_caller
                return f"a:{caller.account.id}"
        client = scope.get("client")
        return "ip:" + (client[0] if client else "-")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A stream is one long request, not many: it is not counted against the limit.
        if (scope["type"] != "http" or not scope["path"].startswith("/api/") or scope["method"] == "OPTIONS"
                or scope["path"].startswith("/api/v1/streaming")):
            await self.app(scope, receive, send)
            return
        now = int(time.time())
        window_start = now - now % self.WINDOW
        key = await self._key(scope)
        start, count = self.windows.get(key, (window_start, 0))
        if start != window_start:
            start, count = window_start, 0
        count += 1
        self.windows[key] = (start, count)
        self.windows.move_to_end(key)
        if len(self.windows) > self.max_keys:
            self.windows.popitem(last=False)
        headers = [
            (b"x-ratelimit-limit", self._limit_header),
            (b"x-ratelimit-remaining", str(max(self.limit - count, 0)).encode()),
            (b"x-ratelimit-reset", self._reset_header(start)),
        ]
        if count > self.limit:
            response = error(429, "Too many requests", headers={k.decode(): v.decode() for k, v in headers})
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
