"""Sign-ups (admins only): those waiting for approval, approved or rejected, and the e-mail
domains sign-ups are refused from."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import moderation
from madang.core.errors import Conflict, Invalid
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, path_id, redirect
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()


@router.get("/admin/registrations")
async def registrations_page(request: Request) -> Response:
    await admin_viewer(request)
    async with ctx(request).db.read() as session:
        pending = await moderation.list_pending_sign_ups(session)
    return render(request, "web/admin_registrations.html", section="registrations", pending=pending,
                  mode=ctx(request).settings)


@router.post("/admin/registrations/{account_id}/{decision}")
async def decide(request: Request, account_id: str, decision: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(account_id)
    if decision not in ("approve", "reject"):
        path_id("")  # 404
    form = await checked_form(request)
    reason = text_field(form, "reason", limit=5000)
    use_case = moderation.approve_sign_up if decision == "approve" else moderation.reject_sign_up
    async with ctx(request).db.write() as session:
        await use_case(session, actor=viewer.account, account_id=target, reason=reason)
    return redirect("/admin/registrations", notice=f"sign_up_{decision}d")


async def _domains_page(request: Request, viewer: Viewer, *, value: str = "", error: str | None = None,
                        status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        await moderation.require_admin(session, viewer.account)
        blocks = await moderation.list_email_domain_blocks(session)
    return render(request, "web/admin_email_domains.html", status=status, section="email-domains", blocks=blocks,
                  value=value, error=error)


@router.get("/admin/email-domains")
async def domains_page(request: Request) -> Response:
    viewer = await admin_viewer(request)
    return await _domains_page(request, viewer)


@router.post("/admin/email-domains")
async def block_domain(request: Request) -> Response:
    viewer = await admin_viewer(request)
    form = await checked_form(request)
    domain = text_field(form, "domain", limit=300)
    try:
        async with ctx(request).db.write() as session:
            await moderation.block_email_domain(session, actor=viewer.account, domain=domain)
    except (Invalid, Conflict) as exc:
        return await _domains_page(request, viewer, value=domain, error=describe(exc), status=422)
    return redirect("/admin/email-domains", notice="email_domain_blocked")


@router.post("/admin/email-domains/{block_id}/delete")
async def unblock_domain(request: Request, block_id: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(block_id)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await moderation.unblock_email_domain(session, actor=viewer.account, block_id=target)
    return redirect("/admin/email-domains", notice="email_domain_unblocked")
