"""The moderation audit log (admins only), newest first, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import moderation
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, page_of
from madang.web.templating import render

router = APIRouter()
PAGE = 50


@router.get("/admin/audit")
async def audit_page(request: Request) -> Response:
    await admin_viewer(request)
    page = page_of(request, limit=PAGE)
    async with ctx(request).db.read() as session:
        rows = await moderation.list_actions(session, page=page)
    next_max = rows[-1].row.id if len(rows) == PAGE else None
    return render(request, "web/admin_audit.html", section="audit", rows=rows, next_max=next_max)
