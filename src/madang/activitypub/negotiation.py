"""One URL, two documents: a profile or post page asked for as ActivityStreams is answered by
the actor or Note (the web surface keeps the HTML). Pure ASGI, so streams pass untouched."""

from __future__ import annotations

import re
from typing import Any

_PROFILE = re.compile(r"/@(?P<username>[A-Za-z0-9_]+)(?:/(?P<id>\d{1,20}))?/?")
_INBOX = re.compile(r"/inbox|/actor/inbox|/users/[A-Za-z0-9_]+/inbox")


class ContentNegotiation:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _INBOX.fullmatch(scope["path"]):
            from madang.activitypub.routes import inbox_router

            await inbox_router(scope, receive, send)  # before the app's routing: deliveries come in bursts
            return
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            match = _PROFILE.fullmatch(scope["path"])
            if match is not None and _wants_as2(scope):
                path = f"/users/{match['username']}" + (f"/statuses/{match['id']}" if match["id"] else "")
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


def _wants_as2(scope: dict) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return b"application/activity+json" in value or b"application/ld+json" in value
    return False
