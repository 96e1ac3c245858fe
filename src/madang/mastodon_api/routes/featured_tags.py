"""Featured hashtags: one's own (list, add, remove, suggestions) and another account's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import accounts
from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, path_id
from madang.mastodon_api.serializers.trends import tag_entity_json
from madang.models import Account
from madang.trends import tag_histories

router = APIRouter()


def _featured_json(view: accounts.FeaturedTagView, owner: Account, url: str, time_zone: str) -> dict[str, Any]:
    from madang.accounts.featured_tags import last_status_day

    day = last_status_day(view, time_zone)
    return {"id": str(view.id), "name": view.tag.name,
            "url": f"{owner.url or f'{url}/@{owner.username}'}/tagged/{quote(view.tag.name)}",
            "statuses_count": str(view.statuses_count),  # a string, as Mastodon sends it
            "last_status_at": day.isoformat() if day else None}


@router.get("/api/v1/featured_tags")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:accounts")
    async with ctx(request).db.read() as session:
        rows = await accounts.list_featured_tags(session, account_id=me.id)
    zone = ctx(request).settings.time_zone
    return JSON([_featured_json(v, me, base_url(request), zone) for v in rows])


@router.post("/api/v1/featured_tags")
async def create(request: Request) -> Response:
    _, me = await require_user(request, "write:accounts")
    name = (await read_params(request)).str("name")
    async with ctx(request).db.write() as session:
        view = await accounts.feature_tag(session, account=me, name=name)
    return JSON(_featured_json(view, me, base_url(request), ctx(request).settings.time_zone))


@router.delete("/api/v1/featured_tags/{featured_tag_id}")
async def remove(request: Request, featured_tag_id: str) -> Response:
    _, me = await require_user(request, "write:accounts")
    async with ctx(request).db.write() as session:
        await accounts.unfeature_tag(session, account_id=me.id, featured_tag_id=path_id(featured_tag_id))
    return JSON({})


@router.get("/api/v1/featured_tags/suggestions")
async def suggestions(request: Request) -> Response:
    _, me = await require_user(request, "read:accounts")
    zone = ctx(request).settings.time_zone
    async with ctx(request).db.read() as session:
        tags = await accounts.suggest_featured_tags(session, account_id=me.id)
        histories = await tag_histories(session, [t.id for t in tags], now=utcnow(), time_zone=zone)
    return JSON([tag_entity_json(t, histories[t.id], base_url(request)) for t in tags])


@router.get("/api/v1/accounts/{account_id}/featured_tags")
async def of_account(request: Request, account_id: str) -> Response:
    await optional_caller(request)
    async with ctx(request).db.read() as session:
        owner = await accounts.find_account(session, path_id(account_id))
        if owner is None or owner.suspended_at is not None:
            raise NotFound("Record not found")
        rows = await accounts.list_featured_tags(session, account_id=owner.id)
    zone = ctx(request).settings.time_zone
    return JSON([_featured_json(v, owner, base_url(request), zone) for v in rows])
