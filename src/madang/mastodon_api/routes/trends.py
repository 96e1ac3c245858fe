"""Trends: rising tags (and the old /api/v1/trends alias) and statuses, as the trends job left them."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import trends
from madang.accounts.followed_tags import followed_tag_ids
from madang.core.clock import utcnow
from madang.mastodon_api.auth import optional_caller
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, render_statuses_bytes
from madang.mastodon_api.serializers.trends import tag_entity_json

router = APIRouter()


def _window(params: Params, default: int, maximum: int) -> tuple[int, int]:
    return params.int("offset", 0, minimum=0) or 0, params.limit(default, maximum)


def _offset_link(request: Request, offset: int, limit: int, count: int) -> dict[str, str]:
    """Trends page by offset, as Mastodon's: ``next`` only after a full page."""
    links = []
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    prefix = f"{base_url(request)}{quote(request.url.path)}?{urlencode(kept) + '&' if kept else ''}"
    if count >= limit:
        links.append(f'<{prefix}offset={offset + limit}>; rel="next"')
    if offset > 0:
        links.append(f'<{prefix}offset={max(0, offset - limit)}>; rel="prev"')
    return {"Link": ", ".join(links)} if links else {}


async def _tags(request: Request) -> Response:
    caller = await optional_caller(request)
    viewer_id = caller.account.id if caller is not None and caller.account is not None else None
    offset, limit = _window(await read_params(request), 10, 20)
    time_zone = ctx(request).settings.time_zone
    async with ctx(request).db.read() as session:
        tags = await trends.list_trending_tags(session, offset=offset, limit=limit)
        histories = await trends.tag_histories(session, [t.id for t in tags], now=utcnow(), time_zone=time_zone)
        mine = await followed_tag_ids(session, account_id=viewer_id, tag_ids=[t.id for t in tags])
    url = base_url(request)
    return JSON([tag_entity_json(t, histories[t.id], url, following=t.id in mine) for t in tags],
                headers=_offset_link(request, offset, limit, len(tags)))


@router.get("/api/v1/trends/tags")
async def trending_tags(request: Request) -> Response:
    return await _tags(request)


@router.get("/api/v1/trends")
async def trends_alias(request: Request) -> Response:
    """Mastodon 3.0's path for trending tags; older clients still call it."""
    return await _tags(request)


@router.get("/api/v1/trends/statuses")
async def trending_statuses(request: Request) -> Response:
    caller = await optional_caller(request)
    viewer_id = caller.account.id if caller and caller.account else None
    offset, limit = _window(await read_params(request), 20, 40)
    async with ctx(request).db.read() as session:
        rows = await trends.list_trending_statuses(session, viewer_id=viewer_id, offset=offset, limit=limit)
        body = await render_statuses_bytes(session, request, rows, viewer_id)
    return JSON(body, headers=_offset_link(request, offset, limit, len(rows)))
