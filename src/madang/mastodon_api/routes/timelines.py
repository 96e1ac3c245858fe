"""Home, public and tag timelines."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.core.errors import Unauthorized
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, render_statuses_bytes
from madang.timelines.queries import list_home_timeline, list_public_timeline, list_tag_timeline

router = APIRouter()


def _get(path: str):  # type: ignore[no-untyped-def]
    """A plain Starlette route: these endpoints take only the request, and FastAPI's
    dependency machinery around each call was a tenth of a home page's CPU."""
    def register(endpoint):  # type: ignore[no-untyped-def]
        router.add_route(path, endpoint, methods=["GET"])
        return endpoint
    return register


async def _public_viewer(request: Request) -> int | None:
    caller = await optional_caller(request, "read:statuses")
    if caller is None and not ctx(request).settings.public_timelines_open:
        raise Unauthorized("This method requires an authenticated user")
    return caller.account.id if caller and caller.account else None


@_get("/api/v1/timelines/home")
async def home(request: Request) -> Response:
    _, me = await require_user(request, "read:statuses")
    params = await read_params(request)
    page = page_of(params, 20, 40)
    async with ctx(request).db.read() as session:
        rows = await list_home_timeline(session, viewer_id=me.id, page=page)
        body = await render_statuses_bytes(session, request, rows, me.id, context="home")
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))


@_get("/api/v1/timelines/public")
async def public(request: Request) -> Response:
    viewer = await _public_viewer(request)
    params = await read_params(request)
    page = page_of(params, 20, 40)
    only_media = bool(params.bool("only_media", False))
    async with ctx(request).db.read() as session:
        rows = await list_public_timeline(
            session, viewer_id=viewer, page=page, local=bool(params.bool("local", False)), only_media=only_media,
            remote=bool(params.bool("remote", False)))
        body = await render_statuses_bytes(session, request, rows, viewer, context="public")
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))


@_get("/api/v1/timelines/tag/{hashtag}")
async def tag(request: Request) -> Response:
    hashtag = request.path_params["hashtag"]
    viewer = await _public_viewer(request)
    params = await read_params(request)
    page = page_of(params, 20, 40)
    names = [hashtag] + [str(n) for n in params.list("any")]
    only_media = bool(params.bool("only_media", False))
    async with ctx(request).db.read() as session:
        rows = await list_tag_timeline(
            session, tag_names=names, viewer_id=viewer, page=page, local=bool(params.bool("local", False)),
            only_media=only_media,
            all_names=[str(n) for n in params.list("all")], none_names=[str(n) for n in params.list("none")])
        body = await render_statuses_bytes(session, request, rows, viewer, context="public")
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))
