"""The office console's front page (`/office`): where each part of the office's daily work is,
with the counts that need attention (open account-health alerts, drafts waiting for approval)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.web.routes.common import signed_in
from madang.web.routes.desk_common import staff_desk
from madang.web.templating import render

router = APIRouter()


@router.get("/office")
async def office_home(request: Request) -> Response:
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    from madang.office.approval import count_waiting
    from madang.web.routes.common import ctx

    async with ctx(request).db.read() as session:
        # Drafts waiting for this approver (None: not an approver, so no line at all).
        waiting = await count_waiting(session, organisation_id=desk.organisation.id, staff=viewer.account)
    alerts = None
    try:  # account health is its own part: the console still opens if it cannot count
        from madang.analytics.health import open_alert_count
        from madang.web.routes.common import ctx

        async with ctx(request).db.read() as session:
            alerts = await open_alert_count(session)
    except ImportError:
        alerts = None
    return render(request, "web/office_home.html", org=desk.organisation, role=desk.member.role, alerts=alerts,
                  waiting=waiting)
