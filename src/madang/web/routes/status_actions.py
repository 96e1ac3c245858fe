"""What a card's buttons do: favourite, boost, bookmark, pin (and undo them), and delete one's own
post. Plain forms answered by a redirect back to the card; htmx gets only the changed part."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid, NotFound
from madang.models import Account, Status
from madang.statuses import interactions
from madang.statuses.delete import delete_status
from madang.statuses.queries import get_status, get_visible_status
from madang.web.csrf import checked_form
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, safe_next, signed_in, site_of
from madang.web.templating import render
from madang.web.views.statuses import status_cards

router = APIRouter()

Action = Callable[..., Awaitable[Any]]
ACTIONS: dict[str, Action] = {
    "favourite": interactions.favourite_status, "unfavourite": interactions.unfavourite_status,
    "reblog": interactions.reblog_status, "unreblog": interactions.unreblog_status,
    "bookmark": interactions.bookmark_status, "unbookmark": interactions.unbookmark_status,
    "pin": interactions.pin_status, "unpin": interactions.unpin_status,  # one's own posts, on one's profile
}


def _page_of(next_value: object) -> str:
    """The page the card was on, without its #anchor."""
    return safe_next(next_value).split("#", 1)[0]


async def _card(request: Request, status_id: int, viewer_id: int) -> dict[str, Any] | None:
    """The card again after an action (None when the viewer may no longer see it)."""
    async with ctx(request).db.read() as session:
        try:
            status = await get_visible_status(session, status_id, viewer_id)
        except NotFound:
            return None
        cards = await status_cards(session, [status], viewer_id)
    return cards[0] if cards else None


@router.get("/statuses/{status_id}/delete")
async def delete_page(request: Request, status_id: str) -> Response:
    """The confirmation a reader without JavaScript gets (with it, the browser asks)."""
    viewer = await signed_in(request)
    sid = path_id(status_id)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, sid, viewer.account.id)
        if status.account_id != viewer.account.id or status.reblog_of_id is not None:
            raise WebProblem(403, N_("자신의 글만 삭제할 수 있습니다."))
        cards = await status_cards(session, [status], viewer.account.id)
    back = safe_next(request.query_params.get("next"), cards[0]["url"])
    return render(request, "web/delete_confirm.html", s=cards[0], back=back)


@router.post("/statuses/{status_id}/delete")
async def delete(request: Request, status_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    sid = path_id(status_id)
    async with ctx(request).db.write() as session:
        status: Status = await get_status(session, sid)
        await delete_status(session, actor=viewer.account, status=status)
    if request.headers.get("hx-request"):
        return render(request, "web/_status_deleted.html", status_id=sid)
    back = _page_of(form.get("next"))
    if back.rstrip("/").endswith(f"/{sid}"):  # its own page is gone with it
        back = f"/@{viewer.account.username}"
    return redirect(back, notice="deleted")


@router.post("/statuses/{status_id}/{action}")
async def act(request: Request, status_id: str, action: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    use_case = ACTIONS.get(action)
    if use_case is None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    sid = path_id(status_id)
    account: Account = viewer.account
    try:
        async with ctx(request).db.write() as session:
            status = await get_status(session, sid)
            if action == "reblog":
                await use_case(session, site=site_of(request), account=account, status=status)
            else:
                await use_case(session, account=account, status=status)
    except Invalid as exc:
        if action not in ("pin", "unpin"):
            raise
        # The sixth pin, or someone else's post: said in the reader's language, nothing written.
        raise WebProblem(422, describe(exc)) from None
    back = _page_of(form.get("next"))
    if request.headers.get("hx-request"):
        card = await _card(request, sid, account.id)
        if card is None and status.reblog_of_id is not None:  # one's own boost, just undone
            card = await _card(request, status.reblog_of_id, account.id)
        if card is None:
            return Response(status_code=204)
        return render(request, "web/_status_actions_fragment.html", s=card, action_back=back)
    return redirect(f"{back}#status-{status.reblog_of_id or status.id}")
