"""Settings: the servers a citizen blocked for themselves (Mastodon's user-level domain blocks,
decision 0044), with a confirmation page a remote profile links to."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.moderation.account_domain_blocks import (
    ACCOUNT_LIST_MAX,
    block_domain_for_account,
    list_account_domain_blocks,
    unblock_domain_for_account,
)
from madang.moderation.domain_blocks import display_domain, normalise_domain
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, id_param, redirect, safe_next, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/settings/domain_blocks"


async def _page(request: Request, viewer: Viewer, *, value: str = "", error: str | None = None,
                status: int = 200) -> Response:
    max_id = id_param(request, "max_id")
    async with ctx(request).db.read() as session:
        rows = await list_account_domain_blocks(session, account=viewer.account, max_id=max_id,
                                                limit=ACCOUNT_LIST_MAX)
    blocks = [(r.domain, display_domain(r.domain)) for r in rows]
    older = f"{PAGE}?max_id={rows[-1].id}" if len(rows) == ACCOUNT_LIST_MAX else None
    return render(request, "web/settings_domain_blocks.html", status=status, blocks=blocks, older=older,
                  value=value, error=error, section="domain_blocks")


@router.get(PAGE)
async def domain_blocks_page(request: Request) -> Response:
    return await _page(request, await signed_in(request))


@router.post(PAGE)
async def add_domain_block(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    domain = text_field(form, "domain", limit=300)
    try:
        async with ctx(request).db.write() as session:
            await block_domain_for_account(session, account=viewer.account, domain=domain)
    except Invalid as exc:
        return await _page(request, viewer, value=domain, error=describe(exc), status=422)
    return redirect(safe_next(form.get("next"), PAGE), notice="domain_blocked")


@router.post(f"{PAGE}/unblock")
async def remove_domain_block(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    try:
        async with ctx(request).db.write() as session:
            await unblock_domain_for_account(session, account=viewer.account, domain=text_field(form, "domain", limit=300))
    except Invalid as exc:
        return await _page(request, viewer, error=describe(exc), status=422)
    return redirect(safe_next(form.get("next"), PAGE), notice="domain_unblocked")


@router.get(f"{PAGE}/confirm")
async def confirm_domain_block(request: Request) -> Response:
    """What blocking a server does, asked before doing it (a remote profile's 서버 차단 button)."""
    viewer = await signed_in(request)
    try:
        domain = normalise_domain(request.query_params.get("domain", ""))
    except Invalid as exc:
        return await _page(request, viewer, error=describe(exc), status=422)
    return render(request, "web/confirm_domain_block.html", domain=domain, shown=display_domain(domain),
                  next=safe_next(request.query_params.get("next"), PAGE))
