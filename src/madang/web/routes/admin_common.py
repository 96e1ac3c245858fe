"""What the admin pages share: the admin check, and keeping this process's instance settings
fresh (a middleware: every surface reads ``settings.max_characters`` and friends)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from madang.moderation import require_admin
from madang.moderation.instance_settings import LiveInstanceSettings, live_settings
from madang.web.routes.common import ctx, signed_in
from madang.web.viewer import Viewer


async def admin_viewer(request: Request) -> Viewer:
    """The signed-in admin (guests go to sign-in; anyone else gets the 403 page)."""
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        await require_admin(session, viewer.account)
    return viewer


def live(request: Request) -> LiveInstanceSettings:
    c = ctx(request)
    return live_settings(c.extras, c.db, c.settings)


class InstanceSettingsRefresh:
    """Before a request, re-reads the instance settings when this process's copy is older than
    its ttl (30 s): one short query per process per ttl, and a time check otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            c = getattr(scope["app"].state, "ctx", None)
            if c is not None:
                current = live_settings(c.extras, c.db, c.settings)
                if current.stale:
                    await current.current()
        await self.app(scope, receive, send)
