"""Headers every HTML page carries: a Content-Security-Policy without inline scripts, and friends."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# The embeds (one post, the timeline widget) are made to sit in an iframe on any site, such as
# the city's homepage: only these paths may be framed; every other page keeps 'none' and DENY.
FRAMEABLE = re.compile(r"^/@[^/]+/(?:\d+/)?embed$")
EMBED_HEADERS = [(b"content-security-policy", CSP.replace("frame-ancestors 'none'", "frame-ancestors *").encode())]
EMBED_HEADERS += [h for h in HEADERS if h[0] not in (b"content-security-policy", b"x-frame-options")]
# The 민원 form's "내 위치" button asks the browser where the citizen is; no other page may.
LOCATING = frozenset({"/desk/new"})
LOCATING_HEADERS = [h for h in HEADERS if h[0] != b"permissions-policy"]
LOCATING_HEADERS += [(b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)")]


def _headers_for(path: str) -> list[tuple[bytes, bytes]]:
    if FRAMEABLE.match(path):
        return EMBED_HEADERS
    return LOCATING_HEADERS if path in LOCATING else HEADERS


class HtmlSecurityHeaders:
    """Adds the headers to text/html responses only (the JSON API has its own CORS rules)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            # The API answers JSON: no per-message check on its hottest paths.
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message["headers"] = list(headers) + _headers_for(scope["path"])
            await send(message)

        await self.app(scope, receive, sending)
