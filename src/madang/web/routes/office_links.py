"""The office's short links (/office/links): the organisation's links with their clicks in total
and in the last 7 and 30 days, and a form to make one by hand. Any staff member may look;
office admins, triagers and officers may make links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from madang import links
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.desk.organisations import HANDLE, VIEW, require_role
from madang.desk.queries import Membership, memberships
from madang.models import Account
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, page_of, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = 50


async def office_membership(session: AsyncSession, viewer: Viewer, org_name: str | None,
                            roles: tuple[str, ...]) -> Membership:
    """The organisation the viewer works for (``?org=`` picks one of several) and their place on
    its staff, once their role is one of ``roles``: a 403 page otherwise."""
    found = await memberships(session, account=viewer.account)
    if not found:
        raise WebProblem(403, N_("기관 직원만 볼 수 있는 페이지입니다."))
    wanted = (org_name or "").lstrip("@").lower()
    chosen = next((m for m in found if m.organisation.username.lower() == wanted), found[0])
    await require_role(session, organisation_id=chosen.organisation.id, account=viewer.account, roles=roles)
    return chosen


async def office_organisation(session: AsyncSession, viewer: Viewer, org_name: str | None,
                              roles: tuple[str, ...]) -> Account:
    return (await office_membership(session, viewer, org_name, roles)).organisation


def org_param(value: object) -> str | None:
    return value[:40] if isinstance(value, str) and value else None


def with_org(path: str, org_name: str | None) -> str:
    return path + (f"?org={quote(org_name)}" if org_name else "")


async def _page(request: Request, viewer: Viewer, org_name: str | None, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    settings = ctx(request).settings
    page = page_of(request, PAGE)
    async with ctx(request).db.read() as session:
        org = await office_organisation(session, viewer, org_name, VIEW)
        rows = await links.list_links(session, account_id=org.id, today=links.day_of(utcnow(), settings.time_zone),
                                      limit=PAGE, max_id=page.max_id)
    return render(request, "web/office_links.html", status=status, org=org, org_name=org_name, rows=rows,
                  base_url=settings.base_url, next_max_id=rows[-1].link.id if len(rows) == PAGE else None,
                  values=values or {}, errors=errors or {})


@router.get("/office/links")
async def links_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return await _page(request, viewer, org_param(request.query_params.get("org")))


@router.post("/office/links")
async def create_link(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = org_param(text_field(form, "org", limit=40))
    # Longer than any accepted URL, so an oversized one is refused with its reason, not cut.
    values: dict[str, Any] = {"url": text_field(form, "url", limit=links.MAX_URL_LENGTH + 1)}
    try:
        async with ctx(request).db.write() as session:
            org = await office_organisation(session, viewer, org_name, HANDLE)
            await links.create_short_link(session, url=values["url"], account_id=org.id,
                                          created_by_id=viewer.account.id)
    except Invalid as exc:
        return await _page(request, viewer, org_name, values=values, errors={"url": describe(exc)}, status=422)
    return redirect(with_org("/office/links", org_name), notice="link_created")
