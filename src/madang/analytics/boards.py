"""Who may look at which analytics: staff (any desk role) of an organisation see its account
and its posts; the accounts' health is seen by staff of any organisation and by instance
admins, and checked on demand by office admins; everyone else is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.days import check_range
from madang.analytics.health import CheckResult, check_accounts
from madang.analytics.reading import PostDays, Servers, Summary, account_summary, followers_by_server, post_days
from madang.core.errors import Forbidden, NotFound
from madang.core.settings import Settings
from madang.desk.organisations import ADMIN, VIEW, require_role
from madang.desk.queries import memberships
from madang.models import Account, Status
from madang.models.analytics import HealthAlert

NOT_STAFF = "기관 직원만 볼 수 있는 페이지입니다"


@dataclass
class Board:
    organisation: Account
    organisations: list[Account]  # every organisation the viewer is staff of (the page's tabs)
    summary: Summary
    servers: Servers


async def organisation_board(session: AsyncSession, *, staff: Account, start: date, end: date,
                             organisation: str | None = None) -> Board:
    """The analytics of ``organisation`` (a username; the viewer's first one by default)."""
    check_range(start, end)
    desks = [m.organisation for m in await memberships(session, account=staff)]
    chosen = desks
    if organisation:
        wanted = organisation.lstrip("@").lower()
        chosen = [d for d in desks if d.acct_key == wanted]
    if not chosen:
        raise Forbidden(NOT_STAFF)
    org = chosen[0]
    await require_role(session, organisation_id=org.id, account=staff, roles=VIEW)
    return Board(org, desks, await account_summary(session, account_id=org.id, start=start, end=end),
                 await followers_by_server(session, account_id=org.id))


async def post_board(session: AsyncSession, *, staff: Account, status_id: int) -> tuple[Account, PostDays]:
    """One post's days, for staff of the organisation that wrote it."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None or status.reblog_of_id is not None:
        raise NotFound("글을 찾을 수 없습니다", field="status")
    author = await session.get(Account, status.account_id)
    if author is None or not author.organisation:
        raise Forbidden(NOT_STAFF)
    try:
        await require_role(session, organisation_id=author.id, account=staff, roles=VIEW)
    except Forbidden:
        raise Forbidden(NOT_STAFF) from None
    return author, await post_days(session, status=status)


@dataclass
class HealthBoard:
    open: list[tuple[HealthAlert, Account]]
    resolved: list[tuple[HealthAlert, Account]]  # the latest first
    may_check: bool  # an office admin (or instance admin) may run the check now


async def _health_access(session: AsyncSession, viewer: Account, admin: bool) -> bool:
    """Whether the viewer may run the check; Forbidden when they may not even look (only staff
    of some organisation, or instance admins, see the accounts' health)."""
    desks = await memberships(session, account=viewer)
    if not desks and not admin:
        raise Forbidden(NOT_STAFF)
    return admin or any(m.member.role in ADMIN for m in desks)


async def health_board(session: AsyncSession, *, viewer: Account, admin: bool = False,
                       history: int = 50) -> HealthBoard:
    may_check = await _health_access(session, viewer, admin)
    # Alerts first, then their accounts by id: a join lets the planner scan all accounts.
    open_alerts = list(await session.scalars(select(HealthAlert).where(HealthAlert.resolved_at.is_(None))))
    resolved = list(await session.scalars(
        select(HealthAlert).where(HealthAlert.resolved_at.is_not(None))
        .order_by(HealthAlert.resolved_at.desc(), HealthAlert.id.desc()).limit(history)))
    ids = {a.account_id for a in open_alerts + resolved}
    accounts = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))} if ids else {}
    rows = sorted(((a, accounts[a.account_id]) for a in open_alerts if a.account_id in accounts),
                  key=lambda pair: (pair[1].username, pair[0].kind))
    return HealthBoard(rows, [(a, accounts[a.account_id]) for a in resolved if a.account_id in accounts], may_check)


async def check_health_now(session: AsyncSession, *, viewer: Account, admin: bool, now: datetime,
                           settings: Settings) -> CheckResult:
    """The office admin's "check now" (after fixing a profile, instead of waiting for the hour)."""
    if not await _health_access(session, viewer, admin):
        raise Forbidden("계정 점검은 민원 총괄(기관 관리자)만 실행할 수 있습니다")
    return await check_accounts(session, now=now, settings=settings)
