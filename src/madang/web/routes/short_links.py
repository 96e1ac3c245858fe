"""GET /s/<code>: count the click and send the visitor on to the long URL.

A 302, not a 301: browsers and proxies keep a 301 for good and would go straight to the long
URL next time, so later clicks would not be counted (and a link could never be corrected).
Nothing about the visitor is read for the count: no address, browser or referrer."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from madang import links
from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.web.routes.common import ctx
from madang.web.templating import render
from madang.web.viewer import load_viewer

router = APIRouter()


@router.get("/s/{code}")
async def follow_short_link(request: Request, code: str) -> Response:
    context = ctx(request)
    day = links.day_of(utcnow(), context.settings.time_zone)
    try:
        # Looked up in a read unit first: a scan of made-up codes never takes the write lock.
        async with context.db.read() as session:
            if await links.find_link(session, code) is None:
                raise NotFound("짧은 주소를 찾을 수 없습니다", field="code")
        async with context.db.write() as session:
            url = await links.record_click(session, code=code, day=day)
    except NotFound:
        await load_viewer(request)  # only for the page's language and header
        return render(request, "web/short_link_missing.html", status=404)
    # no-store: a cached redirect would skip the count; no-referrer: the long URL's site learns
    # nothing of where the visitor came from either.
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store",
                                                           "Referrer-Policy": "no-referrer"})
