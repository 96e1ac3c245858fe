"""Filters: v2 (filters, their keywords and statuses) and the v1 view of them old apps use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import filters as domain
from madang.core.errors import Invalid, NotFound
# Keyword, status and v1 changes (filters.parts, filters.v1) announce here; whole filters in the use case.
from madang.filters.manage import announce_filters_changed
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.params import Params, parse_id, read_params
from madang.mastodon_api.problems import ApiProblem
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import ctx, path_id
from madang.mastodon_api.serializers.filters import (
    filter_json,
    filter_keyword_json,
    filter_status_json,
    v1_filter_json,
)

router = APIRouter()
READ, WRITE = "read:filters", "write:filters"


def _expires_in(params: Params, *, update: bool) -> Any:
    """Seconds from now; blank or null means never; absent on update keeps what there is."""
    if "expires_in" not in params:
        return domain.KEEP if update else None
    value = params.raw("expires_in")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise Invalid("Expires in must be a positive number of seconds", field="expires_in")
    return int(str(value).strip())


def _context(params: Params) -> list[Any] | None:
    return params.list("context") if "context" in params else None


def _keyword_changes(params: Params) -> list[domain.KeywordChange]:
    raw = params.raw("keywords_attributes")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    changes = []
    for item in items:
        if not isinstance(item, dict):
            raise Invalid("keywords_attributes must be a list of objects", field="keywords_attributes")
        one = Params(item)
        keyword_id = None
        if one.raw("id") not in (None, ""):
            try:
                keyword_id = parse_id(one.raw("id"))
            except ApiProblem:
                raise NotFound("Record not found") from None
        changes.append(domain.KeywordChange(keyword=one.str("keyword"), whole_word=one.bool("whole_word"),
                                            id=keyword_id, destroy=bool(one.bool("_destroy", False))))
    return changes


def _status_id(params: Params) -> int | None:
    raw = params.raw("status_id")
    if raw is None or raw == "":
        return None
    if isinstance(raw, (dict, list, bool)):
        raise Invalid("Status must exist", field="status_id")
    return path_id(str(raw))  # not a number: no such status, 404 as Mastodon


@router.get("/api/v2/filters")
async def index(request: Request) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        rows = await domain.list_filters(session, owner_id=me.id)
    return JSON([filter_json(d) for d in rows])


@router.post("/api/v2/filters")
async def create(request: Request) -> Response:
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    fields = dict(title=params.str("title"), context=_context(params) or [], action=params.str("filter_action"),
                  expires_in=_expires_in(params, update=False), keywords=_keyword_changes(params))
    async with ctx(request).db.write() as session:
        detail = await domain.create_filter(session, owner_id=me.id, **fields)
    return JSON(filter_json(detail))


@router.get("/api/v2/filters/{filter_id}")
async def show(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        detail = await domain.get_filter_detail(session, owner_id=me.id, filter_id=path_id(filter_id))
    return JSON(filter_json(detail))


@router.put("/api/v2/filters/{filter_id}")
async def update(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    fields = dict(title=params.str("title"), context=_context(params), action=params.str("filter_action"),
                  expires_in=_expires_in(params, update=True), keywords=_keyword_changes(params))
    async with ctx(request).db.write() as session:
        detail = await domain.update_filter(session, owner_id=me.id, filter_id=path_id(filter_id), **fields)
    return JSON(filter_json(detail))


@router.delete("/api/v2/filters/{filter_id}")
async def destroy(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    async with ctx(request).db.write() as session:
        await domain.delete_filter(session, owner_id=me.id, filter_id=path_id(filter_id))
    return JSON({})


@router.get("/api/v2/filters/{filter_id}/keywords")
async def keywords(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        rows = await domain.list_keywords(session, owner_id=me.id, filter_id=path_id(filter_id))
    return JSON([filter_keyword_json(k) for k in rows])


@router.post("/api/v2/filters/{filter_id}/keywords")
async def add_keyword(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    keyword, whole = params.str("keyword"), params.bool("whole_word")
    async with ctx(request).db.write() as session:
        row = await domain.add_keyword(session, owner_id=me.id, filter_id=path_id(filter_id), keyword=keyword,
                                       whole_word=whole)
        announce_filters_changed(session, me.id)
    return JSON(filter_keyword_json(row))


@router.get("/api/v2/filters/keywords/{keyword_id}")
async def show_keyword(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        row = await domain.get_keyword(session, owner_id=me.id, keyword_id=path_id(keyword_id))
    return JSON(filter_keyword_json(row))


@router.put("/api/v2/filters/keywords/{keyword_id}")
async def update_keyword(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    keyword, whole = params.str("keyword"), params.bool("whole_word")
    async with ctx(request).db.write() as session:
        row = await domain.update_keyword(session, owner_id=me.id, keyword_id=path_id(keyword_id), keyword=keyword,
                                          whole_word=whole)
        announce_filters_changed(session, me.id)
    return JSON(filter_keyword_json(row))


@router.delete("/api/v2/filters/keywords/{keyword_id}")
async def destroy_keyword(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    async with ctx(request).db.write() as session:
        await domain.delete_keyword(session, owner_id=me.id, keyword_id=path_id(keyword_id))
        announce_filters_changed(session, me.id)
    return JSON({})


@router.get("/api/v2/filters/{filter_id}/statuses")
async def statuses(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        rows = await domain.list_filter_statuses(session, owner_id=me.id, filter_id=path_id(filter_id))
    return JSON([filter_status_json(s) for s in rows])


@router.post("/api/v2/filters/{filter_id}/statuses")
async def add_status(request: Request, filter_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    status_id = _status_id(params)
    async with ctx(request).db.write() as session:
        row = await domain.add_filter_status(session, owner_id=me.id, filter_id=path_id(filter_id),
                                             status_id=status_id)
        announce_filters_changed(session, me.id)
    return JSON(filter_status_json(row))


@router.get("/api/v2/filters/statuses/{filter_status_id}")
async def show_status(request: Request, filter_status_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        row = await domain.get_filter_status(session, owner_id=me.id, filter_status_id=path_id(filter_status_id))
    return JSON(filter_status_json(row))


@router.delete("/api/v2/filters/statuses/{filter_status_id}")
async def destroy_status(request: Request, filter_status_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    async with ctx(request).db.write() as session:
        row = await domain.get_filter_status(session, owner_id=me.id, filter_status_id=path_id(filter_status_id))
        await domain.delete_filter_status(session, owner_id=me.id, filter_status_id=row.id)
        announce_filters_changed(session, me.id)
    # Mastodon renders {} here; its documented schema says the FilterStatus. Clients ignore the
    # body, so the removed record satisfies both.
    return JSON(filter_status_json(row))


# v1: one keyword per filter.

def _v1_fields(params: Params, *, update: bool) -> dict[str, Any]:
    return dict(phrase=params.str("phrase"), context=_context(params) if update else _context(params) or [],
                irreversible=params.bool("irreversible"), whole_word=params.bool("whole_word"),
                expires_in=_expires_in(params, update=update))


@router.get("/api/v1/filters")
async def v1_index(request: Request) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        rows = await domain.list_v1_filters(session, owner_id=me.id)
    return JSON([v1_filter_json(k, f) for k, f in rows])


@router.post("/api/v1/filters")
async def v1_create(request: Request) -> Response:
    _, me = await require_user(request, WRITE)
    fields = _v1_fields(await read_params(request), update=False)
    async with ctx(request).db.write() as session:
        keyword, parent = await domain.create_v1_filter(session, owner_id=me.id, **fields)
        announce_filters_changed(session, me.id)
    return JSON(v1_filter_json(keyword, parent))


@router.get("/api/v1/filters/{keyword_id}")
async def v1_show(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        keyword, parent = await domain.get_v1_filter(session, owner_id=me.id, keyword_id=path_id(keyword_id))
    return JSON(v1_filter_json(keyword, parent))


@router.put("/api/v1/filters/{keyword_id}")
async def v1_update(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    fields = _v1_fields(await read_params(request), update=True)
    async with ctx(request).db.write() as session:
        keyword, parent = await domain.update_v1_filter(session, owner_id=me.id, keyword_id=path_id(keyword_id),
                                                        **fields)
        announce_filters_changed(session, me.id)
    return JSON(v1_filter_json(keyword, parent))


@router.delete("/api/v1/filters/{keyword_id}")
async def v1_destroy(request: Request, keyword_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    async with ctx(request).db.write() as session:
        await domain.delete_v1_filter(session, owner_id=me.id, keyword_id=path_id(keyword_id))
        announce_filters_changed(session, me.id)
    return JSON({})
