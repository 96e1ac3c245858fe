"""Favourites and bookmarks lists, preferences, markers, and the valid empty answers
(lists, filters, emojis, announcements, trends, ...) until the issues that fill them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, render_statuses
from madang.mastodon_api.serializers.formats import ts
from madang.models import Bookmark, Favourite, User
from madang.statuses.queries import list_marked_statuses
from madang.timelines.markers import list_markers, save_marker

router = APIRouter()


async def _marked(request: Request, mark: type, scope: str) -> Response:
    _, me = await require_user(request, scope)
    params = await read_params(request)
    page = page_of(params, 20, 40)
    async with ctx(request).db.read() as session:
        rows = await list_marked_statuses(session, mark=mark, account_id=me.id, page=page)
        body = await render_statuses(session, request, [s for _, s in rows], me.id)
    return JSON(body, headers=link_header(request, base_url(request), [c for c, _ in rows], page.limit))


@router.get("/api/v1/favourites")
async def favourites(request: Request) -> Response:
    return await _marked(request, Favourite, "read:favourites")


@router.get("/api/v1/bookmarks")
async def bookmarks(request: Request) -> Response:
    return await _marked(request, Bookmark, "read:bookmarks")


@router.get("/api/v1/preferences")
async def preferences(request: Request) -> Response:
    _, me = await require_user(request, "read:accounts")
    async with ctx(request).db.read() as session:
        user = await session.scalar(select(User).where(User.account_id == me.id))
    return JSON({
        "posting:default:visibility": user.default_visibility if user else "public",
        "posting:default:sensitive": user.default_sensitive if user else False,
        "posting:default:language": user.default_language if user else "ko",
        "posting:default:quote_policy": "nobody",
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
        "reading:autoplay:gifs": False,
    })


@router.get("/api/v1/markers")
async def get_markers(request: Request) -> Response:
    _, me = await require_user(request, "read:statuses")
    params = await read_params(request)
    async with ctx(request).db.read() as session:
        markers = await list_markers(session, account_id=me.id, timelines=[str(t) for t in params.list("timeline")])
    return JSON({m.timeline: {"last_read_id": m.last_read_id, "version": m.version, "updated_at": ts(m.updated_at)}
                 for m in markers})


@router.post("/api/v1/markers")
async def post_markers(request: Request) -> Response:
    _, me = await require_user(request, "write:statuses")
    params = await read_params(request)
    out = {}
    async with ctx(request).db.write() as session:
        for timeline in ("home", "notifications"):
            # Parsed here: the domain's isdigit() check lets "１２３" (full-width digits) through.
            last = params.dict(timeline).id("last_read_id")
            if last is not None:
                m = await save_marker(session, account_id=me.id, timeline=timeline, last_read_id=str(last))
                out[timeline] = {"last_read_id": m.last_read_id, "version": m.version, "updated_at": ts(m.updated_at)}
    return JSON(out)


# Valid empty answers: these resources arrive with later issues ([api], [office]).
EMPTY_LISTS = (
    "/api/v1/trends/links",
    "/api/v1/endorsements",
)


def _empty_list(request: Request) -> Response:
    return JSON([])


for _path in EMPTY_LISTS:
    router.add_api_route(_path, _empty_list, methods=["GET"])


@router.get("/api/v1/custom_emojis")
async def custom_emojis(request: Request) -> Response:
    """The server's own enabled emoji (remote ones are only shown where used), as Mastodon."""
    from madang.mastodon_api.serializers.accounts import emoji_json
    from madang.media.custom_emojis import list_local_emojis

    async with ctx(request).db.read() as session:
        emojis = await list_local_emojis(session)
    url = base_url(request)
    return JSON([{**emoji_json(e, url), "category": None} for e in emojis])


@router.get("/api/v2/notifications/policy")
async def notifications_policy(request: Request) -> Response:
    await require_user(request, "read:notifications")
    return JSON({"for_not_following": "accept", "for_not_followers": "accept", "for_new_accounts": "accept",
                 "for_private_mentions": "accept", "for_limited_accounts": "filter",
                 "summary": {"pending_requests_count": 0, "pending_notifications_count": 0}})
