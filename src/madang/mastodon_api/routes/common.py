"""Small helpers every route module uses: site facts, path ids, status rendering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from madang.db.paging import Page
from madang.mastodon_api.params import Params, parse_id
from madang.mastodon_api.problems import ApiProblem, NotFoundProblem
from madang.mastodon_api.serializers.statuses import status_json, status_json_bytes, statuses_json_bytes
from madang.models import Status
from madang.runtime import AppContext, ctx_of
from madang.statuses.create import Site
from madang.statuses.views import StatusView, load_status_views
from madang.filters import apply_filters, filters_for
from madang.mastodon_api.serializers.filters import filter_results_json


def ctx(request: Request) -> AppContext:
    return ctx_of(request)


def base_url(request: Request) -> str:
    return ctx_of(request).settings.base_url


def site(request: Request) -> Site:
    return Site.of(ctx_of(request).settings)


def path_id(value: str) -> int:
    """An id in the path that is not a number names no record: 404, as Mastodon answers."""
    try:
        return parse_id(value)
    except ApiProblem:
        raise NotFoundProblem("Record not found") from None


def page_of(params: Params, default: int, maximum: int) -> Page:
    return Page(max_id=params.id("max_id"), since_id=params.id("since_id"), min_id=params.id("min_id"),
                limit=params.limit(default, maximum))


async def filter_views(session: AsyncSession, views: list[StatusView], viewer_id: int | None,
                       context: str | None) -> tuple[list[StatusView], dict[int, list[dict[str, Any]]]]:
    """The viewer's filters for ``context`` applied to a page: ``hide`` matches dropped, and
    the FilterResults of the rest by status id. No context or no filters: one cached lookup."""
    if context is None or viewer_id is None or not views:
        return views, {}
    active = await filters_for(session, viewer_id, context)
    if not active:
        return views, {}
    kept, matches = apply_filters(active, views, viewer_id)
    return kept, {sid: filter_results_json(m) for sid, m in matches.items()}


async def render_statuses(session: AsyncSession, request: Request, statuses: Sequence[Status],
                          viewer_id: int | None, *, with_source: bool = False,
                          context: str | None = None) -> list[dict[str, Any]]:
    """``context`` (home, public, thread, account, notifications) applies the viewer's filters."""
    views = await load_status_views(session, statuses, viewer_id)
    views, filtered = await filter_views(session, views, viewer_id, context)
    url = base_url(request)
    authors: dict[int, dict[str, Any]] = {}
    return [status_json(v, url, with_source=with_source, accounts_cache=authors, filtered=filtered) for v in views]


async def render_statuses_bytes(session: AsyncSession, request: Request, statuses: Sequence[Status],
                                viewer_id: int | None, *, context: str | None = None) -> bytes:
    """A list of statuses as encoded JSON, for list endpoints (see statuses_json_bytes).
    A status a ``hide`` filter matches is left out, so a page may hold fewer than ``limit``:
    build the Link header from the rows given here, as Mastodon does."""
    views = await load_status_views(session, statuses, viewer_id)
    views, filtered = await filter_views(session, views, viewer_id, context)
    return statuses_json_bytes(views, base_url(request), filtered)


async def render_status_bytes(session: AsyncSession, request: Request, status: Status, viewer_id: int | None) -> bytes:
    """One status as encoded JSON from cached parts (no filters apply to one's own post). A
    new post's parts are cached here, before its followers' timelines ask for them."""
    views = await load_status_views(session, [status], viewer_id)
    return status_json_bytes(views[0], base_url(request))


async def render_status(session: AsyncSession, request: Request, status: Status, viewer_id: int | None,
                        *, with_source: bool = False) -> dict[str, Any]:
    return (await render_statuses(session, request, [status], viewer_id, with_source=with_source))[0]
