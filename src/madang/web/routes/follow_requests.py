"""Follow requests to a locked account: the page that lists them, and approving or
rejecting one (from that page or from the notification that announced it)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.follow_requests import authorize_follow_request, list_follow_requests, reject_follow_request
from madang.accounts.queries import get_account
from madang.web.csrf import checked_form
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, page_of, path_id, redirect, safe_next, signed_in
from madang.web.routes.notifications import note_unread
from madang.web.templating import render
from madang.web.views.accounts import account_card

router = APIRouter()
LIST_SIZE = 40


@router.get("/follow_requests")
async def follow_requests_page(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_of(request, LIST_SIZE)
    async with ctx(request).db.read() as session:
        rows = await list_follow_requests(session, account=viewer.account, max_id=page.max_id, limit=page.limit)
    await note_unread(request, viewer)
    older = str(rows[-1][0]) if len(rows) >= page.limit else None
    return render(request, "web/follow_requests.html", requests=[account_card(a) for _, a in rows], older=older,
                  locked=viewer.account.locked)


@router.post("/follow_requests/{account_id}/{decision}")
async def decide(request: Request, account_id: str, decision: str) -> Response:
    """Only the viewer's own requests: the use cases take the viewer as the account asked,
    so another person's request is simply not found."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    if decision not in ("authorize", "reject"):
        raise WebProblem(404, N_("찾을 수 없습니다."))
    requester_id = path_id(account_id)
    async with ctx(request).db.write() as session:
        requester = await get_account(session, requester_id)
        if decision == "authorize":
            await authorize_follow_request(session, account=viewer.account, requester=requester)
        else:
            await reject_follow_request(session, account=viewer.account, requester=requester)
    notice = "follow_request_authorized" if decision == "authorize" else "follow_request_rejected"
    return redirect(safe_next(form.get("next"), "/follow_requests"), notice=notice)
