"""The moderation queue: reports open and resolved, and one report with its posts in context."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.paging import Page, fetch_page
from madang.models import Account, Report, Status
from madang.moderation.audit import LoggedAction, list_actions
from madang.moderation.permissions import require_admin
from madang.statuses.threads import get_context


@dataclass
class ReportRow:
    report: Report
    reporter: Account | None
    target: Account | None


@dataclass
class ReportedPost:
    """A reported post (deleted ones too: the moderator sees what was done) and its thread as
    the reporter could see it when reporting: what they saw is what they reported."""

    status: Status
    ancestors: list[Status]
    descendants: list[Status]


@dataclass
class ReportDetail:
    report: Report
    reporter: Account | None
    target: Account
    posts: list[ReportedPost]
    history: list[LoggedAction]


async def list_reports(session: AsyncSession, *, actor: Account, resolved: bool, page: Page) -> list[ReportRow]:
    await require_admin(session, actor)
    closed = Report.action_taken_at.is_not(None) if resolved else Report.action_taken_at.is_(None)
    reports = await fetch_page(session, select(Report).where(closed), Report.id, page)
    ids = {r.account_id for r in reports} | {r.target_account_id for r in reports}
    accounts = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))} if ids else {}
    return [ReportRow(r, accounts.get(r.account_id), accounts.get(r.target_account_id)) for r in reports]


async def get_report_detail(session: AsyncSession, *, actor: Account, report_id: int) -> ReportDetail:
    await require_admin(session, actor)
    report = await session.get(Report, report_id)
    if report is None:
        raise NotFound("Record not found")
    target = await session.get(Account, report.target_account_id)
    if target is None:
        raise NotFound("Record not found")
    reporter = await session.get(Account, report.account_id)
    ids = [int(i) for i in report.status_ids or []]
    statuses = list(await session.scalars(select(Status).where(Status.id.in_(ids)).order_by(Status.id))) if ids else []
    posts = []
    for status in statuses:
        thread = await get_context(session, status, report.account_id)
        posts.append(ReportedPost(status, thread.ancestors, thread.descendants))
    history = await list_actions(session, page=Page(limit=100), report_id=report.id)
    return ReportDetail(report, reporter, target, posts, history)
