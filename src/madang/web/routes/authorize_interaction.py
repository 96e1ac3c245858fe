"""Mastodon's remote-interaction landing page, /authorize_interaction?uri=… (decision 0040):
another server's "follow" or "reply" button (or a person pasting an address) sends its reader
here. A signed-in reader sees the account with a follow button, or the post with reply, boost
and favourite; a guest is asked to sign in first and comes back to the same page."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import NotFound
from madang.federation.interaction import MAX_URI, find_interaction_target
from madang.models import Account
from madang.statuses.queries import get_visible_status
from madang.web.routes.common import ctx, sign_in_url
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.accounts import account_card
from madang.web.views.profiles import relationship_to
from madang.web.views.statuses import status_cards

router = APIRouter()
PATH = "/authorize_interaction"


@router.get(PATH)
async def authorize_interaction(request: Request) -> Response:
    viewer = await load_viewer(request)
    uri = (request.query_params.get("uri") or request.query_params.get("acct") or "").strip()[:MAX_URI]
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = {"uri": uri, "next": here, "account": None, "rel": None, "statuses": [], "missing": False}
    if viewer is None:
        return render(request, "web/authorize_interaction.html", sign_in=sign_in_url(request), **page)
    if not uri:
        return render(request, "web/authorize_interaction.html", sign_in=None, **page)
    found = await find_interaction_target(ctx(request).db, ctx(request).settings, uri)
    async with ctx(request).db.read() as session:
        if isinstance(found, Account) and found.suspended_at is None:
            page["account"] = account_card(found)
            page["rel"] = await relationship_to(session, viewer.account, found)
        elif found is not None and not isinstance(found, Account):
            try:
                status = await get_visible_status(session, found.id, viewer.account.id)
            except NotFound:
                status = None
            if status is not None:
                page["statuses"] = await status_cards(session, [status], viewer.account.id, context="public")
    page["missing"] = page["account"] is None and not page["statuses"]
    return render(request, "web/authorize_interaction.html", status=404 if page["missing"] else 200, sign_in=None,
                  **page)
