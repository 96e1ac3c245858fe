"""Editing one's own post with the composer, and a post's edit history (its revisions)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.media.storage import URL_PREFIX
from madang.statuses.edit import edit_status, list_revision_views
from madang.statuses.queries import get_visible_status
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, new_form_key, path_id, redirect, safe_next, signed_in, site_of
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.statuses import safe_html, status_cards

router = APIRouter()
OWN_ONLY = N_("자신의 글만 수정할 수 있습니다.")


@router.get("/statuses/{status_id}/edit")
async def edit_page(request: Request, status_id: str) -> Response:
    """The composer with the post's text. The domain decides on the edit itself; this page
    only spares another reader a form that would be refused."""
    viewer = await signed_in(request)
    sid = path_id(status_id)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, sid, viewer.account.id)
        if status.account_id != viewer.account.id or status.reblog_of_id is not None:
            raise WebProblem(403, OWN_ONLY)
        cards = await status_cards(session, [status], viewer.account.id)
    card = cards[0] if cards else None
    back = safe_next(request.query_params.get("next"), card["url"] if card else "/home")
    return render(request, "web/status_edit.html", editing=str(sid), draft=status.text, draft_error=None,
                  form_key=new_form_key(), in_reply_to=None, visibility=status.visibility, next=back)


@router.post("/statuses/{status_id}/edit")
async def edit(request: Request, status_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    sid = path_id(status_id)
    text = text_field(form, "status", limit=20_000)
    back = safe_next(form.get("next"))
    try:
        async with ctx(request).db.write() as session:
            status = await get_visible_status(session, sid, viewer.account.id)
            await edit_status(session, site=site_of(request), editor=viewer.account, status=status, text=text)
    except Invalid as exc:
        return render(request, "web/status_edit.html", status=422, editing=str(sid), draft=text,
                      draft_error=describe(exc), form_key=new_form_key(), in_reply_to=None, next=back)
    return redirect(back, notice="edited")


@router.get("/statuses/{status_id}/history")
async def history_page(request: Request, status_id: str) -> Response:
    """Every revision, newest first, as it read then: whoever may see the post may see how it
    changed (as on Mastodon)."""
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    sid = path_id(status_id)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, sid, viewer_id)
        if status.reblog_of_id is not None:
            status = await get_visible_status(session, status.reblog_of_id, viewer_id)
        revisions = await list_revision_views(session, status)
        cards = await status_cards(session, [status], viewer_id)
    if not cards:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    shown = [{
        "created_at": r.edit.created_at, "content": safe_html(r.edit.content), "spoiler_text": r.edit.spoiler_text,
        "language": r.edit.language or "ko", "poll_options": r.poll_options,
        "media": [{"url": URL_PREFIX + m.small_key, "description": d or ""} for m, d in r.media],
        "original": i == 0,
    } for i, r in enumerate(revisions)]
    return render(request, "web/status_history.html", s=cards[0], revisions=list(reversed(shown)))
