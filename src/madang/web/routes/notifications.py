"""The notifications page (opening it marks them read) and the unread count in the nav."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.follow_requests import count_follow_requests
from madang.notifications.queries import count_unread, list_notifications
from madang.notifications.reading import mark_notifications_read, read_marker
from madang.web.routes.common import ctx, page_of, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.notifications import notification_items

router = APIRouter()


async def note_unread(request: Request, viewer: Viewer) -> int:
    """Puts the viewer's unread notification count where base.html's nav reads it
    (``request.state.unread_notifications``); one indexed count."""
    known = getattr(request.state, "unread_notifications", None)
    if known is not None:  # load_viewer counted already
        return known
    async with ctx(request).db.read() as session:
        count = await count_unread(session, account_id=viewer.account.id, cap=100)
    request.state.unread_notifications = count
    return count


@router.get("/notifications")
async def notifications_page(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_of(request)
    account_id = viewer.account.id
    async with ctx(request).db.read() as session:
        rows = await list_notifications(session, account_id=account_id, page=page, every_kind=True)
        marker = await read_marker(session, account_id)
        items = await notification_items(session, rows, account_id)
        waiting = await count_follow_requests(session, account=viewer.account)
    newest = rows[0].id if rows else None
    if page.max_id is None and newest is not None and (marker is None or newest > marker):
        # Seen now: what the reader has in front of them stops counting as unread.
        async with ctx(request).db.write() as session:
            await mark_notifications_read(session, account_id=account_id, up_to_id=newest)
    request.state.unread_notifications = 0 if page.max_id is None else None
    if page.max_id is not None:
        await note_unread(request, viewer)
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/notifications.html", items=items, older=older, read_up_to=marker or 0,
                  follow_requests_waiting=waiting)
