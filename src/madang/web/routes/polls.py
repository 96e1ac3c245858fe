"""Voting in a poll from its card: a plain form answered by a redirect back to the post."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.statuses.polls import get_visible_poll, vote_in_poll
from madang.web.csrf import checked_form
from madang.web.routes.common import ctx, path_id, redirect, safe_next, signed_in

router = APIRouter()


@router.post("/polls/{poll_id}/votes")
async def vote(request: Request, poll_id: str) -> Response:
    """The domain refuses a second vote, one's own poll, an ended poll and a choice that
    does not exist; each is a 400 page in the reader's language (the app's error handler)."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    pid = path_id(poll_id)
    raw = form.getlist("choices")
    if any(not isinstance(c, str) or not (c.isascii() and c.isdigit()) or len(c) > 3 for c in raw):
        raise Invalid("The chosen vote option does not exist")
    async with ctx(request).db.write() as session:
        poll = await get_visible_poll(session, pid, viewer.account.id)
        await vote_in_poll(session, poll=poll, account=viewer.account, choices=[int(c) for c in raw])
    back = safe_next(form.get("next"))
    return redirect(f"{back}#poll-{pid}", notice="voted")
