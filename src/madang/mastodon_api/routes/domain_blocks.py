"""Domain blocks in Mastodon's API: the admins' (/api/v1/admin/domain_blocks), the public list
of moderated servers (/api/v1/instance/domain_blocks) and each user's own (/api/v1/domain_blocks).

Madang grants admin scopes whole (``admin:read``, ``admin:write``), as madang.auth.scopes lists
them; the admin role itself is checked by the use cases (madang.moderation.domain_blocks)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.core.errors import NotFound
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.problems import UnprocessableEntity
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id
from madang.mastodon_api.serializers.formats import ts
from madang.models import DomainBlock
from madang.moderation import account_domain_blocks as own_blocks
from madang.moderation import domain_blocks as blocks

router = APIRouter()
ADMIN_PAGE_DEFAULT, ADMIN_PAGE_MAX = 100, 200  # Mastodon's for admin lists
PUBLIC_MAX_AGE = 180  # Mastodon caches the public list for three minutes


def admin_domain_block_json(block: DomainBlock) -> dict[str, Any]:
    """Mastodon's Admin::DomainBlock (comments are null when empty, as Mastodon stores them)."""
    return {"id": str(block.id), "domain": block.domain, "digest": blocks.domain_digest(block.domain),
            "created_at": ts(block.created_at), "severity": block.severity, "reject_media": block.reject_media,
            "reject_reports": block.reject_reports, "private_comment": block.private_comment or None,
            "public_comment": block.public_comment or None, "obfuscate": block.obfuscate}


def _flag(params: Params, name: str) -> Any:
    """A boolean parameter as given; absent ones stay unset (a PUT changes only what it names)."""
    value = params.bool(name)
    return blocks.UNCHANGED if value is None else value


def _text(params: Params, name: str) -> Any:
    return blocks.UNCHANGED if name not in params else (params.str(name) or "")


@router.get("/api/v1/admin/domain_blocks")
async def admin_list(request: Request) -> Response:
    _, me = await require_user(request, "admin:read")
    params = await read_params(request)
    page = page_of(params, ADMIN_PAGE_DEFAULT, ADMIN_PAGE_MAX)
    async with ctx(request).db.read() as session:
        rows = await blocks.list_domain_blocks(session, actor=me, page=page)
    return JSON([admin_domain_block_json(b) for b in rows],
                headers=link_header(request, base_url(request), [b.id for b in rows], page.limit))


@router.get("/api/v1/admin/domain_blocks/{block_id}")
async def admin_show(request: Request, block_id: str) -> Response:
    _, me = await require_user(request, "admin:read")
    async with ctx(request).db.read() as session:
        block = await blocks.get_domain_block(session, actor=me, block_id=path_id(block_id))
    return JSON(admin_domain_block_json(block))


@router.post("/api/v1/admin/domain_blocks")
async def admin_create(request: Request) -> Response:
    _, me = await require_user(request, "admin:write")
    params = await read_params(request)
    if params.raw("domain") in (None, ""):
        raise UnprocessableEntity("Domain can't be blank", field="domain")
    async with ctx(request).db.write() as session:
        block = await blocks.block_domain(
            session, actor=me, domain=params.str("domain"), severity=params.str("severity") or "silence",
            reject_media=bool(params.bool("reject_media")), reject_reports=bool(params.bool("reject_reports")),
            public_comment=params.str("public_comment") or "", private_comment=params.str("private_comment") or "",
            obfuscate=bool(params.bool("obfuscate")), local_domain=ctx(request).settings.public_host)
    return JSON(admin_domain_block_json(block))


@router.put("/api/v1/admin/domain_blocks/{block_id}")
async def admin_update(request: Request, block_id: str) -> Response:
    _, me = await require_user(request, "admin:write")
    target = path_id(block_id)
    params = await read_params(request)
    severity = params.str("severity") if "severity" in params else blocks.UNCHANGED
    async with ctx(request).db.write() as session:
        block = await blocks.update_domain_block(
            session, actor=me, block_id=target, severity=severity, reject_media=_flag(params, "reject_media"),
            reject_reports=_flag(params, "reject_reports"), public_comment=_text(params, "public_comment"),
            private_comment=_text(params, "private_comment"), obfuscate=_flag(params, "obfuscate"))
    return JSON(admin_domain_block_json(block))


@router.delete("/api/v1/admin/domain_blocks/{block_id}")
async def admin_delete(request: Request, block_id: str) -> Response:
    _, me = await require_user(request, "admin:write")
    target = path_id(block_id)
    async with ctx(request).db.write() as session:
        await blocks.unblock_domain(session, actor=me, block_id=target)
    return JSON({})


@router.get("/api/v1/instance/domain_blocks")
async def instance_domain_blocks(request: Request) -> Response:
    """The moderated servers, to whom the admin chose (everyone by default); 404 otherwise, as
    Mastodon answers when the list is not shown."""
    caller = await optional_caller(request)
    signed_in = caller is not None and caller.account is not None
    async with ctx(request).db.read() as session:
        listed = await blocks.list_public_domain_blocks(session, signed_in=signed_in)
        visibility = await blocks.public_list_visibility(session)
    if listed is None:
        raise NotFound("Record not found")
    cache = f"public, max-age={PUBLIC_MAX_AGE}" if visibility == "all" else "private, no-store"
    return JSON([{"domain": b.domain, "digest": b.digest, "severity": b.severity, "comment": b.comment or None}
                 for b in listed], headers={"Cache-Control": cache})


@router.get("/api/v1/domain_blocks")
async def own_list(request: Request) -> Response:
    _, me = await require_user(request, "read:blocks")
    params = await read_params(request)
    page = page_of(params, own_blocks.ACCOUNT_LIST_DEFAULT, own_blocks.ACCOUNT_LIST_MAX)
    async with ctx(request).db.read() as session:
        rows = await own_blocks.list_account_domain_blocks(session, account=me, max_id=page.max_id,
                                                       since_id=page.since_id, min_id=page.min_id, limit=page.limit)
    return JSON([r.domain for r in rows], headers=link_header(request, base_url(request), [r.id for r in rows],
                                                               page.limit))


def _domain(params: Params) -> str:
    if params.raw("domain") in (None, ""):
        raise UnprocessableEntity("Domain can't be blank", field="domain")
    return params.str("domain") or ""


@router.post("/api/v1/domain_blocks")
async def own_block(request: Request) -> Response:
    _, me = await require_user(request, "write:blocks")
    domain = _domain(await read_params(request))
    async with ctx(request).db.write() as session:
        await own_blocks.block_domain_for_account(session, account=me, domain=domain)
    return JSON({})


@router.delete("/api/v1/domain_blocks")
async def own_unblock(request: Request) -> Response:
    _, me = await require_user(request, "write:blocks")
    domain = _domain(await read_params(request))
    async with ctx(request).db.write() as session:
        await own_blocks.unblock_domain_for_account(session, account=me, domain=domain)
    return JSON({})
