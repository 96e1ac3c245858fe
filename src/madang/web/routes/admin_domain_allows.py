"""Allowed servers (admins only): the servers an allow-list city federates with
(madang.moderation.domain_allows, decision 0040) — add, remove; the page says which mode the
server runs in, since allows only matter under MADANG_FEDERATION_MODE=allowlist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.moderation import domain_allows as allows
from madang.moderation.domain_blocks import display_domain
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, path_id, redirect
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/admin/domain-allows"

_MESSAGES = {
    "Domain can't be blank": N_("허용할 도메인을 입력해 주세요."),
    "Domain is not valid": N_("도메인 형식이 올바르지 않습니다."),
}


def _say(exc: Invalid) -> str:
    if exc.message in _MESSAGES:
        return i18n.gettext_(_MESSAGES[exc.message])
    if exc.message.startswith("Domain is too long"):
        return i18n.gettext_(N_("도메인은 %(n)s자까지 쓸 수 있습니다."), n=253)
    return describe(exc)


async def _list_page(request: Request, viewer: Viewer, *, values: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        rows = await allows.list_domain_allows(session, actor=viewer.account)
    return render(request, "web/admin_domain_allows.html", status=status, section="domain-allows", rows=rows,
                  values=values or {}, errors=errors or {}, display_domain=display_domain,
                  mode=ctx(request).settings.federation_mode)


@router.get(PAGE)
async def list_page(request: Request) -> Response:
    return await _list_page(request, await admin_viewer(request))


@router.post(PAGE)
async def add(request: Request) -> Response:
    viewer = await admin_viewer(request)
    domain = text_field(await checked_form(request), "domain", limit=1000)
    try:
        async with ctx(request).db.write() as session:
            _, new = await allows.allow_domain(session, actor=viewer.account, domain=domain)
    except Invalid as exc:
        return await _list_page(request, viewer, values={"domain": domain}, errors={"domain": _say(exc)}, status=422)
    return redirect(PAGE, notice="domain_allowed" if new else "domain_already_allowed")


@router.post(PAGE + "/{allow_id}/delete")
async def remove(request: Request, allow_id: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(allow_id)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await allows.disallow_domain(session, actor=viewer.account, allow_id=target,
                                     mode=ctx(request).settings.federation_mode)
    return redirect(PAGE, notice="domain_disallowed")
