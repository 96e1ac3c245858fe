"""Announcements for citizens on the web: the banner on every signed-in page (loaded by
web.routes.common.signed_in), the page of all active ones, dismissing and reacting — each a
form that works without JavaScript and comes back to the page it was sent from."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import announcements
from madang.web.csrf import checked_form, text_field
from madang.web.routes.common import ctx, path_id, redirect, safe_next, signed_in
from madang.web.templating import render

router = APIRouter()
QUICK_REACTIONS = ("👍", "❤️", "🙏", "😮", "😢")


@router.get("/announcements")
async def page(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        views = await announcements.active_announcements(session, account_id=viewer.account.id,
                                                         info=ctx(request).db.session_info)
        may_write = await announcements.may_manage(session, viewer.account)
    return render(request, "web/announcements.html", views=views, may_write=may_write, quick=QUICK_REACTIONS)


@router.post("/announcements/{announcement_id}/dismiss")
async def dismiss(request: Request, announcement_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        await announcements.dismiss_announcement(session, account_id=viewer.account.id,
                                                 announcement_id=path_id(announcement_id))
    return redirect(safe_next(text_field(form, "next", limit=500)))


@router.post("/announcements/{announcement_id}/reactions")
async def react(request: Request, announcement_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    name = text_field(form, "name", limit=100)
    use = announcements.unreact if text_field(form, "action", limit=10) == "remove" else announcements.react
    async with ctx(request).db.write() as session:
        await use(session, account_id=viewer.account.id, announcement_id=path_id(announcement_id), name=name)
    return redirect(safe_next(text_field(form, "next", limit=500), "/announcements"))
