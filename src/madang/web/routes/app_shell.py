"""madang as an installable app (issue 15): the web app manifest, the service worker at the
site's root (its scope is the whole site), the offline page it keeps, and the settings page
that turns browser notifications on — a Web Push subscription of this browser's session, made
by the same use case as the API's /api/v1/push/subscription."""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import push
from madang.core.errors import Invalid
from madang.push.rules import ALERT_TYPES
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.static_files import STATIC
from madang.web.templating import STATIC_VERSION, render
from madang.web.viewer import SESSION_COOKIE, load_viewer

router = APIRouter()
ALERTS = ("mention", "follow", "follow_request", "favourite", "reblog", "poll", "status", "update")


@router.get("/manifest.webmanifest")
async def manifest(request: Request) -> Response:
    settings = ctx(request).settings
    name = settings.instance_title or "마당"
    body = {
        "name": name, "short_name": name[:12], "lang": "ko", "dir": "ltr", "start_url": "/home", "scope": "/",
        "id": "/home", "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b57d0",
        "description": "시민과 시청이 만나는 마당",
        "icons": [
            {"src": "/static/web/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/web/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/web/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
        "shortcuts": [{"name": "새 글", "url": "/compose"}, {"name": "알림", "url": "/notifications"}],
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json",
                    headers={"Cache-Control": "public, max-age=3600"})


@cache
def _worker_source() -> str:
    return (STATIC / "web" / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", STATIC_VERSION)


@router.get("/sw.js")
async def service_worker(request: Request) -> Response:
    # Never cached by HTTP: a browser checks for a new worker on every visit (its own cache
    # is versioned inside), and the scope is the site's root.
    return Response(_worker_source(), media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@router.get("/offline")
async def offline(request: Request) -> Response:
    await load_viewer(request)
    response = render(request, "web/offline.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


async def _push_page(request: Request, *, status: int = 200, error: str | None = None) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        current = await push.find_subscription(session, access_token_id=viewer.token_id)
    return render(request, "web/settings_push.html", status=status, section="push", current=current,
                  vapid=await push.public_key(ctx(request).db, ctx(request).extras), alerts=ALERTS, error=error)


@router.get("/settings/push")
async def push_page(request: Request) -> Response:
    return await _push_page(request)


@router.post("/settings/push")
async def subscribe(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    wanted = {name: form.get(f"alert_{name}") == "1" for name in ALERT_TYPES} if "alerts_given" in form \
        else {name: True for name in ALERTS}
    try:
        async with ctx(request).db.write() as session:
            await push.create_subscription(
                session, config=push.PushConfig.from_settings(ctx(request).settings), account_id=viewer.account.id,
                access_token_id=viewer.token_id, access_token=request.cookies.get(SESSION_COOKIE, ""),
                endpoint=text_field(form, "endpoint", limit=2100), p256dh=text_field(form, "p256dh", limit=200),
                auth=text_field(form, "auth", limit=100), standard=True, alerts=wanted, policy="all")
    except Invalid as exc:
        return await _push_page(request, status=422, error=describe(exc))
    return redirect("/settings/push", notice="push_on")


@router.post("/settings/push/alerts")
async def change_alerts(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        await push.update_subscription(session, access_token_id=viewer.token_id, policy="all",
                                       alerts={name: form.get(f"alert_{name}") == "1" for name in ALERT_TYPES})
    return redirect("/settings/push", notice="saved")


@router.post("/settings/push/delete")
async def unsubscribe(request: Request) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        if await push.find_subscription(session, access_token_id=viewer.token_id) is not None:
            await push.delete_subscription(session, access_token_id=viewer.token_id)
    return redirect("/settings/push", notice="push_off")
