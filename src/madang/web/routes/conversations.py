"""Direct messages: the viewer's conversations (the people in each and the latest post)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.queries import get_accounts
from madang.conversations.queries import list_conversations
from madang.models import Status
from madang.web.routes.common import ctx, page_of, signed_in
from madang.web.routes.notifications import note_unread
from madang.web.templating import render
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_cards

router = APIRouter()


@router.get("/conversations")
async def conversations_page(request: Request) -> Response:
    """Only the viewer's own rows are listed (the query is by owner), and each latest post is
    loaded through the same visibility rules as any card, so nothing here widens who reads what."""
    viewer = await signed_in(request)
    page = page_of(request)
    me = viewer.account.id
    async with ctx(request).db.read() as session:
        rows = await list_conversations(session, account_id=me, page=page)
        last_ids = [r.last_status_id for r in rows]
        statuses = list(await session.scalars(select(Status).where(
            Status.id.in_(last_ids), Status.deleted_at.is_(None)))) if last_ids else []
        cards = {c["id"]: c for c in await status_cards(session, statuses, me, context="thread")}
        people = await get_accounts(session, {int(p) for r in rows for p in (r.participant_ids or [])})
    await note_unread(request, viewer)
    items = [{"id": r.id, "unread": r.unread, "status": cards[r.last_status_id],
              "participants": [account_card(people[int(p)]) for p in (r.participant_ids or []) if int(p) in people]}
             for r in rows if r.last_status_id in cards]
    older = str(rows[-1].last_status_id) if len(rows) >= page.limit else None
    return render(request, "web/conversations.html", items=items, older=older)
