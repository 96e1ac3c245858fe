"""The office's account health page: open alerts of organisation and verified accounts (silent
too long, words the profile should not carry, no photo), the resolved history, and a button
for office admins to check again now."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.analytics.boards import check_health_now, health_board
from madang.core.clock import utcnow
from madang.web.csrf import checked_form
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.templating import render

router = APIRouter()


@router.get("/office/health")
async def health_page(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        board = await health_board(session, viewer=viewer.account, admin=viewer.user.admin)
    return render(request, "web/office_health.html", board=board,
                  silent_days=ctx(request).settings.health_silent_days)


@router.post("/office/health/check")
async def check_now(request: Request) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await check_health_now(session, viewer=viewer.account, admin=viewer.user.admin, now=utcnow(),
                               settings=ctx(request).settings)
    return redirect("/office/health", notice="health_checked")
