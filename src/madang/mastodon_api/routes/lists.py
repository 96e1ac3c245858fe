"""Lists: CRUD, members, the list timeline, and which of my lists hold an account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import lists as domain
from madang.accounts import find_account
from madang.core.errors import NotFound
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.problems import ApiProblem
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id, render_statuses_bytes
from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.lists import list_json

router = APIRouter()


def _fields(params: Params) -> dict:
    """title, replies_policy, exclusive as given (None when absent)."""
    title = params.str("title")
    policy = params.str("replies_policy")
    return {"title": title, "replies_policy": policy, "exclusive": params.bool("exclusive")}


def _account_ids(params: Params) -> list[int]:
    """Mastodon finds each account by id: one that is not a number names no account (404)."""
    try:
        return params.ids("account_ids")
    except ApiProblem:
        raise NotFound("Record not found") from None


@router.get("/api/v1/timelines/list/{list_id}")
async def timeline(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "read:lists")
    params = await read_params(request)
    page = page_of(params, 20, 40)
    async with ctx(request).db.read() as session:
        rows = await domain.list_list_timeline(session, owner_id=me.id, list_id=path_id(list_id), page=page)
        body = await render_statuses_bytes(session, request, rows, me.id, context="home")
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))


@router.get("/api/v1/lists")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:lists")
    async with ctx(request).db.read() as session:
        rows = await domain.list_lists(session, owner_id=me.id)
    return JSON([list_json(r) for r in rows])


@router.post("/api/v1/lists")
async def create(request: Request) -> Response:
    _, me = await require_user(request, "write:lists")
    fields = _fields(await read_params(request))
    async with ctx(request).db.write() as session:
        row = await domain.create_list(session, owner_id=me.id, **fields)
    return JSON(list_json(row))


@router.get("/api/v1/lists/{list_id}")
async def show(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "read:lists")
    async with ctx(request).db.read() as session:
        row = await domain.get_list(session, owner_id=me.id, list_id=path_id(list_id))
    return JSON(list_json(row))


@router.put("/api/v1/lists/{list_id}")
async def update(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "write:lists")
    fields = _fields(await read_params(request))
    async with ctx(request).db.write() as session:
        row = await domain.update_list(session, owner_id=me.id, list_id=path_id(list_id), **fields)
    return JSON(list_json(row))


@router.delete("/api/v1/lists/{list_id}")
async def destroy(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "write:lists")
    async with ctx(request).db.write() as session:
        await domain.delete_list(session, owner_id=me.id, list_id=path_id(list_id))
    return JSON({})


@router.get("/api/v1/lists/{list_id}/accounts")
async def members(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "read:lists")
    params = await read_params(request)
    unlimited = params.raw("limit") in ("0", 0)
    page = None if unlimited else page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        rows = await domain.list_list_accounts(session, owner_id=me.id, list_id=path_id(list_id), page=page)
    url = base_url(request)
    headers = {} if page is None else link_header(request, url, [c for c, _ in rows], page.limit)
    return JSON([account_json(a, url) for _, a in rows], headers=headers)


@router.post("/api/v1/lists/{list_id}/accounts")
async def add_members(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "write:lists")
    ids = _account_ids(await read_params(request))
    async with ctx(request).db.write() as session:
        await domain.add_list_accounts(session, owner_id=me.id, list_id=path_id(list_id), account_ids=ids)
    return JSON({})


@router.delete("/api/v1/lists/{list_id}/accounts")
async def remove_members(request: Request, list_id: str) -> Response:
    _, me = await require_user(request, "write:lists")
    ids = _account_ids(await read_params(request))
    async with ctx(request).db.write() as session:
        await domain.remove_list_accounts(session, owner_id=me.id, list_id=path_id(list_id), account_ids=ids)
    return JSON({})


@router.get("/api/v1/accounts/{account_id}/lists")
async def account_lists(request: Request, account_id: str) -> Response:
    _, me = await require_user(request, "read:lists")
    async with ctx(request).db.read() as session:
        account = await find_account(session, path_id(account_id))
        if account is None:
            raise NotFound("Record not found")
        # As Mastodon: a suspended account is on no list one can see.
        rows = [] if account.suspended_at is not None else await domain.list_lists_containing(
            session, owner_id=me.id, account_id=account.id)
    return JSON([list_json(r) for r in rows])
