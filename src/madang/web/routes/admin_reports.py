"""The moderation queue (admins only): open and resolved reports, one report with its posts in
context, and what can be done from it (dismiss, delete a post, limit, suspend), each with a reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from starlette.requests import Request
from starlette.responses import Response

from madang import moderation
from madang.core.errors import Conflict, Invalid, NotFound
from madang.models import Account
from madang.models.moderation import Report
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import gettext_
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, page_of, path_id, redirect
from madang.web.routes.reports import CATEGORY_LABELS
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.statuses import status_cards

router = APIRouter()
Act = Callable[[AsyncSession, Account, str], Awaitable[Any]]


async def report_numbers(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    """A report's ordinal on this server (1, 2, 3…): "신고 #3" reads better than a snowflake id."""
    if not ids:
        return {}
    older = aliased(Report)
    ordinal = select(func.count(older.id)).where(older.id <= Report.id).correlate(Report).scalar_subquery()
    return {i: n for i, n in await session.execute(select(Report.id, ordinal).where(Report.id.in_(ids)))}


def category_label(category: str) -> str:
    return gettext_(CATEGORY_LABELS.get(category, CATEGORY_LABELS["other"]))


@router.get("/admin")
async def admin_index(request: Request) -> Response:
    await admin_viewer(request)
    return redirect("/admin/reports")


@router.get("/admin/reports")
async def reports_page(request: Request) -> Response:
    viewer = await admin_viewer(request)
    resolved = request.query_params.get("state") == "resolved"
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await moderation.list_reports(session, actor=viewer.account, resolved=resolved, page=page)
        numbers = await report_numbers(session, [r.report.id for r in rows])
    next_max = rows[-1].report.id if len(rows) == page.limit else None
    return render(request, "web/admin_reports.html", section="reports", rows=rows, resolved=resolved,
                  next_max=next_max, numbers=numbers, category_label=category_label)


async def _report_page(request: Request, viewer: Viewer, report_id: int, *, errors: dict[str, str] | None = None,
                       values: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        detail = await moderation.get_report_detail(session, actor=viewer.account, report_id=report_id)
        number = (await report_numbers(session, [report_id])).get(report_id, 0)
        posts = []
        for post in detail.posts:
            [card] = await status_cards(session, [post.status], viewer.account.id)
            posts.append({"card": card, "deleted": post.status.deleted_at is not None,
                          "ancestors": await status_cards(session, post.ancestors, viewer.account.id),
                          "descendants": await status_cards(session, post.descendants, viewer.account.id)})
    return render(request, "web/admin_report.html", status=status, section="reports", detail=detail, posts=posts,
                  errors=errors or {}, values=values or {}, number=number, category_label=category_label)


@router.get("/admin/reports/{report_id}")
async def report_page(request: Request, report_id: str) -> Response:
    viewer = await admin_viewer(request)
    return await _report_page(request, viewer, path_id(report_id))


async def _act(request: Request, report_id: int, form_key: str, act: Act, notice: str) -> Response:
    viewer = await admin_viewer(request)
    form = await checked_form(request)
    reason = text_field(form, "reason", limit=5000)
    try:
        async with ctx(request).db.write() as session:
            await act(session, viewer.account, reason)
    except (Invalid, Conflict) as exc:
        return await _report_page(request, viewer, report_id, errors={form_key: describe(exc)},
                                  values={form_key: reason}, status=422 if isinstance(exc, Invalid) else 409)
    return redirect(f"/admin/reports/{report_id}", notice=notice)


@router.post("/admin/reports/{report_id}/dismiss")
async def dismiss(request: Request, report_id: str) -> Response:
    rid = path_id(report_id)

    async def act(s: AsyncSession, me: Account, reason: str) -> Any:
        return await moderation.dismiss_report(s, actor=me, report_id=rid, reason=reason)
    return await _act(request, rid, "dismiss", act, "report_dismissed")


@router.post("/admin/reports/{report_id}/statuses/{status_id}/delete")
async def delete_post(request: Request, report_id: str, status_id: str) -> Response:
    rid, sid = path_id(report_id), path_id(status_id)

    async def act(s: AsyncSession, me: Account, reason: str) -> Any:
        detail = await moderation.get_report_detail(s, actor=me, report_id=rid)
        if sid not in {p.status.id for p in detail.posts}:  # only the posts this report names
            raise NotFound("Record not found")
        return await moderation.delete_status_as_moderator(s, actor=me, status_id=sid, reason=reason, report_id=rid)
    return await _act(request, rid, f"delete-{sid}", act, "moderation_post_deleted")


@router.post("/admin/reports/{report_id}/limit")
async def limit(request: Request, report_id: str) -> Response:
    rid = path_id(report_id)

    async def act(s: AsyncSession, me: Account, reason: str) -> Any:
        detail = await moderation.get_report_detail(s, actor=me, report_id=rid)
        return await moderation.limit_account(s, actor=me, account_id=detail.target.id, reason=reason, report_id=rid)
    return await _act(request, rid, "limit", act, "account_limited")


@router.post("/admin/reports/{report_id}/suspend")
async def suspend(request: Request, report_id: str) -> Response:
    rid = path_id(report_id)

    async def act(s: AsyncSession, me: Account, reason: str) -> Any:
        detail = await moderation.get_report_detail(s, actor=me, report_id=rid)
        account = await moderation.suspend_account(s, actor=me, account_id=detail.target.id, reason=reason,
                                                   report_id=rid)
        return account
    response = await _act(request, rid, "suspend", act, "account_suspended")
    if response.status_code == 303:
        # This process forgets cached sessions and tokens now (others within their 30 s).
        ctx(request).token_cache.clear()
    return response
