"""Accounts as the moderators see them (admins only): the list with its search (name, e-mail
domain, role, state, origin), the dashboard of the server's days, and one account — its reports,
limit or suspend it, undo either, each with a reason, and its moderation history."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from madang import moderation
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.core.clock import utcnow
from madang.db.paging import Page
from madang.moderation.account_directory import AccountFilter, list_accounts, reports_about
from madang.moderation.admin_dashboard import dashboard
from madang.models import Account, User
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, page_of, path_id, redirect
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
ACCOUNTS_PAGE = 50
ACTIONS = {"limit": moderation.limit_account, "unlimit": moderation.unlimit_account,
           "suspend": moderation.suspend_account, "unsuspend": moderation.unsuspend_account}
NOTICES = {"limit": "account_limited", "unlimit": "account_unlimited", "suspend": "account_suspended",
           "unsuspend": "account_unsuspended"}


async def _page(request: Request, viewer: Viewer, account_id: int, *, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        await moderation.require_admin(session, viewer.account)
        account = await session.get(Account, account_id)
        if account is None:
            raise NotFound("Record not found")
        user = await session.scalar(select(User).where(User.account_id == account.id))
        log_rows = await moderation.list_actions(session, page=Page(limit=100), target_account_id=account.id)
        reports = await reports_about(session, actor=viewer.account, account_id=account.id)
    return render(request, "web/admin_account.html", status=status, section="accounts", account=account, user=user,
                  log_rows=log_rows, reports=reports, errors=errors or {}, values=values or {})


FILTER_FIELDS = ("query", "email_domain", "role", "state", "origin")


@router.get("/admin/accounts")
async def accounts_page(request: Request) -> Response:
    viewer = await admin_viewer(request)
    params = request.query_params
    filters = AccountFilter(**{name: (params.get(name) or "")[:200] for name in FILTER_FIELDS})
    page = page_of(request, ACCOUNTS_PAGE)
    error, status, rows = None, 200, []
    try:
        async with ctx(request).db.read() as session:
            rows = await list_accounts(session, actor=viewer.account, filters=filters, page=page)
    except Invalid as exc:
        error, status = describe(exc), 422
    query = {name: getattr(filters, name) for name in FILTER_FIELDS if getattr(filters, name)}
    more = rows[-1].account.id if len(rows) == ACCOUNTS_PAGE else None
    return render(request, "web/admin_accounts.html", status=status, section="accounts", rows=rows, filters=filters,
                  error=error, next_url=f"/admin/accounts?{urlencode({**query, 'max_id': more})}" if more else None)


@router.get("/admin/dashboard")
async def dashboard_page(request: Request) -> Response:
    viewer = await admin_viewer(request)
    async with ctx(request).db.read() as session:
        board = await dashboard(session, actor=viewer.account, now=utcnow(), time_zone=ctx(request).settings.time_zone)
    return render(request, "web/admin_dashboard.html", section="dashboard", board=board)


@router.get("/admin/accounts/{account_id}")
async def account_page(request: Request, account_id: str) -> Response:
    viewer = await admin_viewer(request)
    return await _page(request, viewer, path_id(account_id))


@router.post("/admin/accounts/{account_id}/{action}")
async def account_action(request: Request, account_id: str, action: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(account_id)
    if action not in ACTIONS:
        path_id("")  # 404
    form = await checked_form(request)
    reason = text_field(form, "reason", limit=5000)
    try:
        async with ctx(request).db.write() as session:
            await ACTIONS[action](session, actor=viewer.account, account_id=target, reason=reason)
    except (Invalid, Conflict, Forbidden) as exc:
        status = 422 if isinstance(exc, Invalid) else 409 if isinstance(exc, Conflict) else 403
        return await _page(request, viewer, target, errors={action: describe(exc)}, values={action: reason},
                           status=status)
    if action == "suspend":
        ctx(request).token_cache.clear()  # this process at once; others within their cache's 30 s
    return redirect(f"/admin/accounts/{target}", notice=NOTICES[action])
