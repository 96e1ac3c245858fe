"""The search page: people, hashtags and (for signed-in readers) posts, from one box."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.federation.lookup import resolve_remote
from madang.models import Account, Status
from madang.search.everything import MAX_QUERY_CHARACTERS, search_everything
from madang.web.messages import describe
from madang.web.routes.common import PAGE_SIZE, ctx, id_param, redirect
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_cards

router = APIRouter()


@router.get("/search")
async def search_page(request: Request) -> Response:
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    raw = request.query_params.get("q")
    if raw is None:
        return render(request, "web/search.html", q="", error=None, results=None, limit=MAX_QUERY_CHARACTERS)
    max_id = id_param(request, "max_id")
    if viewer is not None and max_id is None:
        # `@user@host` or a pasted profile or post URL from elsewhere: looked up on its server first
        # (as Mastodon's search with resolve=true), so the results below can show it.
        found = await resolve_remote(ctx(request).db, ctx(request).settings, raw[:MAX_QUERY_CHARACTERS * 2])
        if isinstance(found, Account):
            return redirect(f"/@{found.acct}")
        if isinstance(found, Status):
            return redirect(f"/statuses/{found.id}")
    try:
        async with ctx(request).db.read() as session:
            settings = ctx(request).settings
            results = await search_everything(session, query=raw, viewer_id=viewer_id, limit=PAGE_SIZE, max_id=max_id,
                                              local_domain=settings.public_host, time_zone=settings.time_zone)
            cards = await status_cards(session, results.statuses, viewer_id, context="public")
    except Invalid as exc:
        return render(request, "web/search.html", status=422, q=raw[:MAX_QUERY_CHARACTERS * 2], error=describe(exc),
                      results=None, limit=MAX_QUERY_CHARACTERS)
    older = str(results.statuses[-1].id) if len(results.statuses) >= PAGE_SIZE else None
    return render(request, "web/search.html", q=results.query, error=None, limit=MAX_QUERY_CHARACTERS,
                  results=results, accounts=[account_card(a) for a in results.accounts], tags=results.tags,
                  statuses=cards, older=older, paged=max_id is not None)
