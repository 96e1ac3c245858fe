"""Explore (Mastodon's /explore): trending posts and hashtags, whom to follow, and the local and
federated timelines, each a tab. The trends are what the trends job stored; requests only read."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import trends
from madang.accounts import dismiss_suggestion, list_suggestions
from madang.core.clock import utcnow
from madang.timelines.queries import list_public_timeline
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.csrf import checked_form
from madang.web.routes.common import ctx, page_of, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.accounts import account_card
from madang.web.views.profiles import relationships_to
from madang.web.views.statuses import status_cards

router = APIRouter()
TRENDS_PAGE = 20
MAX_OFFSET = 100  # the trends job stores at most this many (trends.ranking.MAX_TRENDS)
SUGGESTIONS = 40


def _offset(request: Request) -> int:
    value = request.query_params.get("offset", "0") or "0"
    if not (value.isascii() and value.isdigit()) or len(value) > 4 or int(value) > MAX_OFFSET:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    return int(value)


def _more(offset: int, count: int) -> str | None:
    return f"?offset={offset + TRENDS_PAGE}" if count >= TRENDS_PAGE and offset + TRENDS_PAGE < MAX_OFFSET else None


@router.get("/explore")
async def trending_posts(request: Request) -> Response:
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    offset = _offset(request)
    async with ctx(request).db.read() as session:
        rows = await trends.list_trending_statuses(session, viewer_id=viewer_id, offset=offset, limit=TRENDS_PAGE)
        cards = await status_cards(session, rows, viewer_id, context="public")
    return render(request, "web/explore.html", tab="posts", statuses=cards, more=_more(offset, len(rows)))


@router.get("/explore/tags")
async def trending_tags(request: Request) -> Response:
    await load_viewer(request)  # the menu and the page's language
    offset = _offset(request)
    async with ctx(request).db.read() as session:
        tags = await trends.list_trending_tags(session, offset=offset, limit=TRENDS_PAGE)
        histories = await trends.tag_histories(session, [t.id for t in tags], now=utcnow(),
                                               time_zone=ctx(request).settings.time_zone)
    # As Mastodon's list: people who used the tag over the last two days, and its week of uses.
    shown = [{"name": t.name, "accounts": sum(d.accounts for d in histories[t.id][:2]),
              "uses": sum(d.uses for d in histories[t.id])} for t in tags]
    return render(request, "web/explore.html", tab="tags", tags=shown, more=_more(offset, len(tags)))


@router.get("/explore/suggestions")
async def suggestions(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        rows = await list_suggestions(session, account_id=viewer.account.id, limit=SUGGESTIONS)
        rels = await relationships_to(session, viewer.account, [s.account for s in rows])
    people = [(account_card(s.account), rels.get(s.account.id), s.sources) for s in rows]
    return render(request, "web/explore.html", tab="suggestions", people=people)


@router.post("/explore/suggestions/{account_id}/dismiss")
async def dismiss(request: Request, account_id: str) -> Response:
    """Mastodon's "don't suggest again"."""
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await dismiss_suggestion(session, account_id=viewer.account.id, target_account_id=path_id(account_id))
    return redirect("/explore/suggestions", notice="suggestion_dismissed")


@router.get("/public/remote")
async def federated_timeline(request: Request) -> Response:
    """Public posts from other servers that reached this one (Mastodon's federated timeline,
    without this server's own: those are the local tab)."""
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await list_public_timeline(session, viewer_id=viewer_id, page=page, remote=True)
        cards = await status_cards(session, rows, viewer_id, context="public")
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/explore.html", tab="remote", statuses=cards, older=older)
