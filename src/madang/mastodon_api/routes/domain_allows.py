"""Mastodon's admin API for domain allows (/api/v1/admin/domain_allows): the servers an
allow-list city federates with (madang.moderation.domain_allows, decision 0040). A token needs
``admin:read`` / ``admin:write`` or their ``:domain_allows`` parts; the admin role is checked by
the use cases."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.problems import UnprocessableEntity
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id
from madang.mastodon_api.serializers.formats import ts
from madang.models import DomainAllow
from madang.moderation import domain_allows as allows

router = APIRouter()
PAGE_DEFAULT, PAGE_MAX = 100, 200  # Mastodon's for admin lists
READ, WRITE = "admin:read:domain_allows", "admin:write:domain_allows"


def admin_domain_allow_json(row: DomainAllow) -> dict[str, Any]:
    """Mastodon's Admin::DomainAllow."""
    return {"id": str(row.id), "domain": row.domain, "created_at": ts(row.created_at)}


@router.get("/api/v1/admin/domain_allows")
async def admin_list(request: Request) -> Response:
    _, me = await require_user(request, READ)
    params = await read_params(request)
    page = page_of(params, PAGE_DEFAULT, PAGE_MAX)
    async with ctx(request).db.read() as session:
        rows = await allows.list_domain_allows(session, actor=me, page=page)
    return JSON([admin_domain_allow_json(r) for r in rows],
                headers=link_header(request, base_url(request), [r.id for r in rows], page.limit))


@router.get("/api/v1/admin/domain_allows/{allow_id}")
async def admin_show(request: Request, allow_id: str) -> Response:
    _, me = await require_user(request, READ)
    async with ctx(request).db.read() as session:
        row = await allows.get_domain_allow(session, actor=me, allow_id=path_id(allow_id))
    return JSON(admin_domain_allow_json(row))


@router.post("/api/v1/admin/domain_allows")
async def admin_create(request: Request) -> Response:
    """An allowed domain answers with its existing row, as Mastodon's does."""
    _, me = await require_user(request, WRITE)
    params = await read_params(request)
    if params.raw("domain") in (None, ""):
        raise UnprocessableEntity("Domain can't be blank", field="domain")
    async with ctx(request).db.write() as session:
        row, _ = await allows.allow_domain(session, actor=me, domain=params.str("domain"))
    return JSON(admin_domain_allow_json(row))


@router.delete("/api/v1/admin/domain_allows/{allow_id}")
async def admin_delete(request: Request, allow_id: str) -> Response:
    _, me = await require_user(request, WRITE)
    target = path_id(allow_id)
    async with ctx(request).db.write() as session:
        await allows.disallow_domain(session, actor=me, allow_id=target, mode=ctx(request).settings.federation_mode)
    return JSON({})
