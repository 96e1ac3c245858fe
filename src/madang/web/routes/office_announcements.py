"""Announcements to everyone on the server (/office/announcements): the instance's admins and
office admins write a notice with the period it is about, publish it now, at a time or keep it
as a draft, correct it, take it down or delete it. Who may is the domain's rule
(madang.announcements.require_manager); the page only asks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import announcements
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/office/announcements"
FIELDS = ("text", "starts_at", "ends_at", "publish", "publish_at")


def _state(row: Any, now: Any) -> str:
    if row.published_at is None:
        return "draft"
    if row.published_at > now:
        return "scheduled"
    return "ended" if announcements.reading.period_over(row, now) else "active"


async def _page(request: Request, viewer: Viewer, *, editing: int | None = None, values: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        rows = await announcements.list_all_announcements(session, actor=viewer.account)
    now = utcnow()
    row = next((r for r in rows if r.id == editing), None) if editing else None
    return render(request, "web/office_announcements.html", status=status, rows=rows, now=now, state_of=_state,
                  editing=row, values=values or {}, errors=errors or {})


def _values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: text_field(form, name, limit=announcements.managing.TEXT_MAX + 1 if name == "text"
                                               else 40) for name in FIELDS}
    values["all_day"] = form.get("all_day") == "1"
    return values


def _parsed(values: dict[str, Any], time_zone: str) -> announcements.AnnouncementForm:
    return announcements.parse_form(text=values["text"], starts_at=values["starts_at"], ends_at=values["ends_at"],
                                    all_day=values["all_day"], publish=values["publish"] or "now",
                                    publish_at=values["publish_at"], time_zone=time_zone)


@router.get(PAGE)
async def page(request: Request) -> Response:
    viewer = await signed_in(request)
    editing = request.query_params.get("edit")
    return await _page(request, viewer, editing=path_id(editing) if editing else None)


@router.post(PAGE)
async def create(request: Request) -> Response:
    viewer = await signed_in(request)
    values = _values(await checked_form(request))
    settings = ctx(request).settings
    try:
        form = _parsed(values, settings.time_zone)
        async with ctx(request).db.write() as session:
            await announcements.create_announcement(session, actor=viewer.account, form=form,
                                                    base_url=settings.base_url)
    except Invalid as exc:
        field = exc.field if exc.field in FIELDS else "text"
        return await _page(request, viewer, values=values, errors={field: describe(exc)}, status=422)
    return redirect(PAGE, notice="announcement_saved")


@router.post(PAGE + "/{announcement_id}")
async def update(request: Request, announcement_id: str) -> Response:
    viewer = await signed_in(request)
    target = path_id(announcement_id)
    values = _values(await checked_form(request))
    settings = ctx(request).settings
    try:
        form = _parsed({**values, "publish": "draft"}, settings.time_zone)
        async with ctx(request).db.write() as session:
            await announcements.update_announcement(session, actor=viewer.account, announcement_id=target, form=form,
                                                    base_url=settings.base_url)
    except Invalid as exc:
        field = exc.field if exc.field in FIELDS else "text"
        return await _page(request, viewer, editing=target, values=values, errors={field: describe(exc)}, status=422)
    return redirect(PAGE, notice="announcement_saved")


@router.post(PAGE + "/{announcement_id}/{action}")
async def act(request: Request, announcement_id: str, action: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    target = path_id(announcement_id)
    use = {"publish": announcements.publish_announcement, "unpublish": announcements.unpublish_announcement,
           "delete": announcements.delete_announcement}.get(action)
    if use is None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    async with ctx(request).db.write() as session:
        await use(session, actor=viewer.account, announcement_id=target)
    return redirect(PAGE, notice=f"announcement_{action}ed" if action != "delete" else "announcement_deleted")
