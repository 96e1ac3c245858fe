"""A post's own page (its thread and a reply composer), the permalink redirect, one card as
a fragment (for live updates), and the reply draft the compose page starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from madang.accounts.queries import get_account
from madang.statuses.queries import get_context, get_visible_status
from madang.statuses.reply_mentions import acct_of, reply_prefix, reply_visibility
from madang.statuses.views import load_status_views
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, id_param, new_form_key, path_id, safe_next
from madang.web.routes.notifications import note_unread
from madang.web.templating import render
from madang.web.viewer import Viewer, load_viewer
from madang.web.views.statuses import focused_card, status_card, status_cards

router = APIRouter()
MAX_ID = 2**63 - 1
# Filter contexts a card fragment may be asked for (the live bar asks for its timeline's).
CARD_CONTEXTS = ("home", "public", "thread", "notifications")


@dataclass
class ReplyDraft:
    """The post answered (a card), and the composer's start: mentions, visibility, way back."""
    card: dict[str, Any]
    draft: str
    visibility: str
    next: str


async def _reply_draft(session: Any, status_id: int, viewer: Viewer) -> ReplyDraft:
    status = await get_visible_status(session, status_id, viewer.account.id)
    if status.reblog_of_id is not None:
        status = await get_visible_status(session, status.reblog_of_id, viewer.account.id)
    view = (await load_status_views(session, [status], viewer.account.id))[0]
    card = status_card(view)
    return ReplyDraft(card=card, draft=reply_prefix(view.account, view.mentions, viewer.account.id),
                      visibility=reply_visibility(status.visibility, viewer.user.default_visibility),
                      next=card["url"])


async def reply_draft(request: Request, viewer: Viewer) -> dict[str, Any] | None:
    """For ``/compose?in_reply_to=ID``: the template context of a reply (None when the page is
    not a reply). A post the viewer may not see is a 404, as on its own page."""
    status_id = id_param(request, "in_reply_to")
    if status_id is None:
        return None
    if status_id > MAX_ID:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    async with ctx(request).db.read() as session:
        reply = await _reply_draft(session, status_id, viewer)
    return {"reply_card": reply.card, "draft": reply.draft, "draft_error": None, "visibility": reply.visibility,
            "form_key": new_form_key(), "in_reply_to": str(reply.card["id"]), "next": reply.next}


@router.get("/statuses/{status_id}")
async def status_redirect(request: Request, status_id: str) -> Response:
    """Old and API-style links: a 301 to the post's page (a boost's: to its original)."""
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    sid = path_id(status_id)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, sid, viewer_id)
        if status.reblog_of_id is not None:
            status = await get_visible_status(session, status.reblog_of_id, viewer_id)
        author = await get_account(session, status.account_id)
    return RedirectResponse(f"/@{acct_of(author)}/{status.id}", status_code=301)


@router.get("/@{acct}/{status_id:int}")
async def status_page(request: Request, acct: str, status_id: int) -> Response:
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    if status_id > MAX_ID:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, status_id, viewer_id)
        if status.reblog_of_id is not None:
            status = await get_visible_status(session, status.reblog_of_id, viewer_id)
        view = (await load_status_views(session, [status], viewer_id))[0]
        focused = await focused_card(session, view, viewer_id)
        if focused["author"]["acct"].lower() != acct.lower() or status.id != status_id:
            return RedirectResponse(focused["url"], status_code=301)
        thread = await get_context(session, status, viewer_id)
        ancestors = await status_cards(session, thread.ancestors, viewer_id, context="thread")
        descendants = await status_cards(session, thread.descendants, viewer_id, context="thread")
    reply = None
    if viewer is not None:
        await note_unread(request, viewer)
        reply = {"draft": reply_prefix(view.account, view.mentions, viewer.account.id), "draft_error": None,
                 "visibility": reply_visibility(status.visibility, viewer.user.default_visibility),
                 "form_key": new_form_key(), "in_reply_to": str(status.id), "next": focused["url"]}
    return render(request, "web/status.html", focused=focused, ancestors=ancestors, descendants=descendants,
                  reply=reply)


@router.get("/statuses/{status_id}/card")
async def status_card_fragment(request: Request, status_id: str) -> Response:
    """One card, as a timeline shows it to this viewer (their marks, their filters, forms with
    their CSRF token): what the live bar inserts when the reader asks for new posts."""
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    sid = path_id(status_id)
    context = request.query_params.get("context")
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, sid, viewer_id)
        cards = await status_cards(session, [status], viewer_id,
                                   context=context if context in CARD_CONTEXTS else None)
    if not cards:  # a hide filter took it: nothing to insert
        return Response(status_code=204)
    return render(request, "web/_status_fragment.html", s=cards[0],
                  action_back=safe_next(request.query_params.get("back"), "/home"))

