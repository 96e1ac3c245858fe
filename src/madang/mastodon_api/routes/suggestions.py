"""Follow suggestions (v2 with sources, v1 as bare accounts), dismissing one, and the profile directory."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import accounts
from madang.accounts.directory import ORDERS, list_directory
from madang.core.errors import Invalid
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, path_id
from madang.mastodon_api.serializers.accounts import account_json

router = APIRouter()

# Mastodon's deprecated single `source` for each of its newer `sources`.
OLD_SOURCE = {"featured": "staff", "friends_of_friends": "past_interactions"}


async def _suggestions(request: Request) -> list[accounts.Suggestion]:
    _, me = await require_user(request, "read")
    limit = (await read_params(request)).limit(40, 80)
    async with ctx(request).db.read() as session:
        return await accounts.list_suggestions(session, account_id=me.id, limit=limit)


@router.get("/api/v2/suggestions")
async def v2(request: Request) -> Response:
    rows = await _suggestions(request)
    url = base_url(request)
    return JSON([{"source": OLD_SOURCE[s.sources[0]], "sources": list(s.sources), "account": account_json(s.account, url)}
                 for s in rows])


@router.get("/api/v1/suggestions")
async def v1(request: Request) -> Response:
    url = base_url(request)
    return JSON([account_json(s.account, url) for s in await _suggestions(request)])


@router.delete("/api/v1/suggestions/{account_id}")
async def dismiss(request: Request, account_id: str) -> Response:
    _, me = await require_user(request, "read")
    async with ctx(request).db.write() as session:
        await accounts.dismiss_suggestion(session, account_id=me.id, target_account_id=path_id(account_id))
    return JSON({})


@router.get("/api/v1/directory")
async def directory(request: Request) -> Response:
    caller = await optional_caller(request, "read")
    params = await read_params(request)
    order = params.str("order") or "active"
    if order not in ORDERS:
        raise Invalid("order must be active or new", field="order")
    offset = params.int("offset", 0, minimum=0) or 0
    local, limit = bool(params.bool("local", False)), params.limit(40, 80)
    viewer = caller.account.id if caller and caller.account else None
    async with ctx(request).db.read() as session:
        rows = await list_directory(session, viewer_id=viewer, order=order, local=local, offset=offset, limit=limit)
    url = base_url(request)
    return JSON([account_json(a, url) for a in rows])
