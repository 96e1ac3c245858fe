"""What a moderator does about a report or an account: dismiss, delete a post, limit, suspend.

Each use case checks the actor is an admin, acts, and appends to the audit log in the same
transaction; an action taken from a report also resolves the report."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.models import Account, Report, Status, User
from madang.models.timelines import HomeFeedEntry
from madang.moderation.audit import REASON_MAX, record_action
from madang.moderation.permissions import is_admin, require_admin
from madang.statuses.delete import delete_status

REASON_REQUIRED = "A reason is required"
REPORT_CLOSED = "This report is already resolved"


def check_reason(reason: str | None, *, required: bool = False) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise Invalid(REASON_REQUIRED, field="reason")
    if len(text) > REASON_MAX:
        raise Invalid(f"Reason is too long (maximum is {REASON_MAX} characters)", field="reason")
    return text


async def _report(session: AsyncSession, report_id: int | None) -> Report | None:
    if report_id is None:
        return None
    report = await session.get(Report, report_id)
    if report is None:
        raise NotFound("Record not found")
    return report


async def _resolve(session: AsyncSession, actor: Account, report: Report | None, reason: str) -> None:
    """An action taken from an open report closes it (a second row in the log says so)."""
    if report is None or report.action_taken_at is not None:
        return
    report.action_taken_at = utcnow()
    await record_action(session, actor=actor, action="resolve_report", target_account_id=report.target_account_id,
                        report_id=report.id, reason=reason)


async def dismiss_report(session: AsyncSession, *, actor: Account, report_id: int, reason: str = "") -> Report:
    """Closed with nothing done (the report was mistaken, or already dealt with)."""
    await require_admin(session, actor)
    text = check_reason(reason)
    report = await _report(session, report_id)
    assert report is not None
    if report.action_taken_at is not None:
        raise Conflict(REPORT_CLOSED)
    report.action_taken_at = utcnow()
    await record_action(session, actor=actor, action="dismiss_report", target_account_id=report.target_account_id,
                        report_id=report.id, reason=text)
    return report


async def delete_status_as_moderator(session: AsyncSession, *, actor: Account, status_id: int, reason: str,
                                     report_id: int | None = None) -> Status:
    """The post disappears for everyone as if its author had deleted it (soft-deleted: the
    record stays); the reason stays in the log."""
    await require_admin(session, actor)
    text = check_reason(reason, required=True)
    report = await _report(session, report_id)
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None or status.reblog_of_id is not None:
        raise NotFound("Record not found")
    author = await session.get(Account, status.account_id)
    assert author is not None
    await delete_status(session, actor=author, status=status)
    await record_action(session, actor=actor, action="delete_status", target_account_id=author.id,
                        target_status_id=status.id, report_id=report.id if report else None, reason=text)
    await _resolve(session, actor, report, text)
    return status


async def _target(session: AsyncSession, actor: Account, account_id: int) -> Account:
    target = await session.get(Account, account_id)
    if target is None:
        raise NotFound("Record not found")
    if target.id == actor.id:
        raise Invalid("You cannot moderate your own account", field="account_id")
    if await is_admin(session, target.id):
        raise Forbidden("Administrators cannot be limited or suspended")
    return target


async def limit_account(session: AsyncSession, *, actor: Account, account_id: int, reason: str = "",
                        report_id: int | None = None) -> Account:
    """Mastodon's "limit": posts stay, but public timelines show them only to followers."""
    await require_admin(session, actor)
    text = check_reason(reason)
    report = await _report(session, report_id)
    target = await _target(session, actor, account_id)
    if target.limited_at is not None:
        raise Conflict("This account is already limited")
    target.limited_at = utcnow()
    await record_action(session, actor=actor, action="limit_account", target_account_id=target.id,
                        report_id=report.id if report else None, reason=text)
    await _resolve(session, actor, report, text)
    return target


async def unlimit_account(session: AsyncSession, *, actor: Account, account_id: int, reason: str = "") -> Account:
    await require_admin(session, actor)
    text = check_reason(reason)
    target = await _target(session, actor, account_id)
    if target.limited_at is None:
        raise Conflict("This account is not limited")
    target.limited_at = None
    await record_action(session, actor=actor, action="unlimit_account", target_account_id=target.id, reason=text)
    return target


async def suspend_account(session: AsyncSession, *, actor: Account, account_id: int, reason: str,
                          report_id: int | None = None) -> Account:
    """The account can no longer sign in, post or act, and disappears from public view (its
    profile answers 404); its posts are kept, so an unsuspension brings them back."""
    await require_admin(session, actor)
    text = check_reason(reason, required=True)
    report = await _report(session, report_id)
    target = await _target(session, actor, account_id)
    if target.suspended_at is not None:
        raise Conflict("This account is already suspended")
    target.suspended_at = utcnow()
    # Out of followers' home feeds now (as Mastodon unmerges): their posts and their boosts.
    own = select(Status.id).where(Status.account_id == target.id)
    await session.execute(delete(HomeFeedEntry).where(
        HomeFeedEntry.account_id != target.id,
        (HomeFeedEntry.author_id == target.id) | HomeFeedEntry.status_id.in_(own)))
    await record_action(session, actor=actor, action="suspend_account", target_account_id=target.id,
                        report_id=report.id if report else None, reason=text)
    await _resolve(session, actor, report, text)
    return target


async def unsuspend_account(session: AsyncSession, *, actor: Account, account_id: int, reason: str = "") -> Account:
    await require_admin(session, actor)
    text = check_reason(reason)
    target = await _target(session, actor, account_id)
    if target.suspended_at is None:
        raise Conflict("This account is not suspended")
    if target.domain is None and await session.scalar(select(User.id).where(User.account_id == target.id)) is None:
        raise Conflict("This account was deleted by its owner")  # a tombstone is not brought back
    target.suspended_at = None
    await record_action(session, actor=actor, action="unsuspend_account", target_account_id=target.id, reason=text)
    return target
