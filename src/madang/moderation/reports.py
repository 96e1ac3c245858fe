"""Filing a report about an account (and some of its statuses) for the moderators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.jobs import enqueue
from madang.models import Account, Report, Status
from madang.models.moderation import REPORT_CATEGORIES
from madang.moderation.instance_settings import Rule, list_rule_ids, list_rules
from madang.statuses.policies import visible_to

MAX_COMMENT = 1000  # Mastodon's Report comment limit for local reporters
MAX_STATUSES = 100  # a report is about a few posts, not an archive


def _category(category: str | None, rule_ids: list[int]) -> str:
    # As Mastodon: a report naming rules is about a rule violation unless it says otherwise.
    chosen = category or ("violation" if rule_ids else "other")
    if chosen not in REPORT_CATEGORIES:
        raise Invalid(f"Category must be one of {', '.join(REPORT_CATEGORIES)}", field="category")
    return chosen


async def _reported_status_ids(session: AsyncSession, reporter: Account, target: Account,
                               status_ids: list[int]) -> list[int]:
    """The target's statuses the reporter can see; any other id names no record (404)."""
    wanted = sorted(set(status_ids))
    if len(wanted) > MAX_STATUSES:
        raise Invalid(f"A report can name at most {MAX_STATUSES} statuses", field="status_ids")
    if not wanted:
        return []
    found = set(await session.scalars(select(Status.id).where(
        Status.id.in_(wanted), Status.account_id == target.id, Status.reblog_of_id.is_(None),
        visible_to(reporter.id))))
    if found != set(wanted):
        raise NotFound("Record not found")
    return wanted


async def file_report(
    session: AsyncSession, *, reporter: Account, target_account_id: int, status_ids: list[int] | None = None,
    comment: str | None = None, category: str | None = None, rule_ids: list[int] | None = None,
    forward: bool = False,
) -> tuple[Report, Account]:
    """Everything is checked before the report is written; returns it with the reported account."""
    target = await session.get(Account, target_account_id)
    if target is None or target.suspended_at is not None:
        raise NotFound("Record not found")
    if target.id == reporter.id:
        raise Invalid("You cannot report yourself", field="account_id")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid(f"Comment is too long (maximum is {MAX_COMMENT} characters)", field="comment")
    rules = sorted(set(rule_ids or []))
    chosen = _category(category, rules)
    if chosen != "violation":
        rules = []
    elif rules and not set(rules) <= await list_rule_ids(session):
        # Only the rules the instance publishes (GET /api/v1/instance/rules) can be cited.
        raise Invalid("Rule ids are invalid", field="rule_ids")
    statuses = await _reported_status_ids(session, reporter, target, status_ids or [])
    report = Report(account_id=reporter.id, target_account_id=target.id, status_ids=statuses, rule_ids=rules,
                    comment=text, category=chosen, forwarded=bool(forward) and target.domain is not None,
                    created_at=utcnow())
    session.add(report)
    await session.flush()
    if report.forwarded:
        # The reported account's server gets a Flag from this instance (never from the reporter).
        await enqueue(session, "federation.flag", {"report_id": report.id})
    return report, target


async def list_open_reports(session: AsyncSession, *, limit: int = 100) -> list[Report]:
    """The moderation queue: reports no action was taken on, oldest first."""
    rows = await session.scalars(select(Report).where(Report.action_taken_at.is_(None))
                                 .order_by(Report.id).limit(limit))
    return list(rows)


async def count_open_reports(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Report)
                                    .where(Report.action_taken_at.is_(None))) or 0)


@dataclass
class ReportDraft:
    """What a report form offers: the account reported, its recent posts the reporter can see
    (the one reported from first), and the rules that can be cited."""

    target: Account
    statuses: list[Status]
    rules: tuple[Rule, ...]


async def draft_report(session: AsyncSession, *, reporter: Account, status_id: int | None = None,
                       account_id: int | None = None, recent: int = 20) -> ReportDraft:
    from madang.db.paging import Page
    from madang.statuses.queries import AccountStatusFilter, get_visible_status, list_account_statuses

    first = await get_visible_status(session, status_id, reporter.id) if status_id is not None else None
    if first is not None and first.reblog_of_id is not None:
        first = await get_visible_status(session, first.reblog_of_id, reporter.id)
    target = await session.get(Account, first.account_id if first is not None else account_id or 0)
    if target is None or target.suspended_at is not None or target.id == reporter.id:
        raise NotFound("Record not found")
    others = await list_account_statuses(session, account=target, viewer_id=reporter.id, page=Page(limit=recent),
                                         filters=AccountStatusFilter(exclude_reblogs=True))
    statuses = ([first] if first is not None else []) + [s for s in others if first is None or s.id != first.id]
    return ReportDraft(target, statuses, await list_rules(session))
