"""The viewer's bookmarks, newest bookmark first."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.models import Bookmark
from madang.statuses.queries import list_marked_statuses
from madang.web.routes.common import ctx, page_of, signed_in
from madang.web.routes.notifications import note_unread
from madang.web.templating import render
from madang.web.views.statuses import status_cards

router = APIRouter()


@router.get("/bookmarks")
async def bookmarks_page(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await list_marked_statuses(session, mark=Bookmark, account_id=viewer.account.id, page=page)
        cards = await status_cards(session, [status for _, status in rows], viewer.account.id)
    await note_unread(request, viewer)
    # The cursor is the bookmark's id (newest bookmark first), not the post's.
    older = str(rows[-1][0]) if len(rows) >= page.limit else None
    return render(request, "web/bookmarks.html", statuses=cards, older=older)
