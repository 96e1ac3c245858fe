"""A citizen's scheduled posts on the web (/scheduled): what waits and when, moved to another
time or cancelled — the same use cases as /api/v1/scheduled_statuses."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.db.paging import Page
from madang.scheduling.manage import (
    cancel_scheduled_status, get_scheduled_status, list_scheduled_statuses, reschedule_status,
)
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.routes.compose import _local_time
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()


async def _page(request: Request, viewer: Viewer, *, errors: dict[int, str] | None = None,
                status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        rows = await list_scheduled_statuses(session, account_id=viewer.account.id, page=Page(limit=100))
    rows.sort(key=lambda r: r.scheduled_at)
    return render(request, "web/scheduled.html", status=status, rows=rows, errors=errors or {})


@router.get("/scheduled")
async def scheduled_page(request: Request) -> Response:
    return await _page(request, await signed_in(request))


@router.post("/scheduled/{scheduled_id}/reschedule")
async def move(request: Request, scheduled_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    target = path_id(scheduled_id)
    try:
        when = _local_time(text_field(form, "scheduled_at", limit=40).strip(), ctx(request).settings.time_zone)
        async with ctx(request).db.write() as session:
            row = await get_scheduled_status(session, account_id=viewer.account.id, scheduled_status_id=target)
            await reschedule_status(session, row=row, scheduled_at=when)
    except Invalid as exc:
        return await _page(request, viewer, errors={target: describe(exc)}, status=422)
    return redirect("/scheduled", notice="post_rescheduled")


@router.post("/scheduled/{scheduled_id}/cancel")
async def cancel(request: Request, scheduled_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        row = await get_scheduled_status(session, account_id=viewer.account.id, scheduled_status_id=path_id(scheduled_id))
        await cancel_scheduled_status(session, row=row)
    return redirect("/scheduled", notice="post_unscheduled")
