"""Small helpers every route module uses: site facts, path ids, status rendering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from madang.db.paging import Page
from madang.mastodon_api.params import Params, parse_id
from madang.mastodon_api.problems import ApiProblem, NotFoundProblem
from madang.mastodon_api.serializers.statuses import status_json, statuses_json_bytes
from madang.models import Status
from madang.runtime import AppContext, ctx_of
from madang.statuses.create import Site
from madang.statuses.views import load_status_views


def ctx(request: Request) -> AppContext:
    return ctx_of(request)


def base_url(request: Request) -> str:
    return ctx_of(request).settings.base_url


def site(request: Request) -> Site:
    s = ctx_of(request).settings
    return Site(base_url=s.base_url, domain=s.public_host, max_characters=s.max_characters,
                default_language=s.default_language, time_zone=s.time_zone)


def path_id(value: str) -> int:
    """An id in the path that is not a number names no record: 404, as Mastodon answers."""
    try:
        return parse_id(value)
    except ApiProblem:
        raise NotFoundProblem("Record not found") from None


def page_of(params: Params, default: int, maximum: int) -> Page:
    return Page(max_id=params.id("max_id"), since_id=params.id("since_id"), min_id=params.id("min_id"),
                limit=params.limit(default, maximum))


async def render_statuses(session: AsyncSession, request: Request, statuses: Sequence[Status],
                          viewer_id: int | None, *, with_source: bool = False) -> list[dict[str, Any]]:
    views = await load_status_views(session, statuses, viewer_id)
    url = base_url(request)
    authors: dict[int, dict[str, Any]] = {}
    return [status_json(v, url, with_source=with_source, accounts_cache=authors) for v in views]


async def render_statuses_bytes(session: AsyncSession, request: Request, statuses: Sequence[Status],
                                viewer_id: int | None) -> bytes:
    """A list of statuses as encoded JSON, for list endpoints (see statuses_json_bytes)."""
    views = await load_status_views(session, statuses, viewer_id)
    return statuses_json_bytes(views, base_url(request))


async def render_status(session: AsyncSession, request: Request, status: Status, viewer_id: int | None,
                        *, with_source: bool = False) -> dict[str, Any]:
    return (await render_statuses(session, request, [status], viewer_id, with_source=with_source))[0]
