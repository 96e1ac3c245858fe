"""The accounts list of /admin (admins only): search by name, e-mail domain, role, state and
origin, newest first, with each account's open reports counted — what a moderator looks
through before opening one account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.db.paging import Page, fetch_page
from madang.models import Account, Report, User
from madang.models.desk import StaffMember
from madang.moderation.permissions import require_admin

ROLES = ("", "admin", "staff", "organisation", "citizen")
STATES = ("", "active", "pending", "limited", "suspended", "disabled")
ORIGINS = ("", "local", "remote")
QUERY_MAX = 100


@dataclass(frozen=True)
class AccountFilter:
    query: str = ""  # in the username, display name or domain
    email_domain: str = ""  # local accounts whose e-mail address is at this domain
    role: str = ""
    state: str = ""
    origin: str = ""


@dataclass
class AccountRow:
    account: Account
    user: User | None
    staff: bool
    open_reports: int


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def checked_filter(filters: AccountFilter) -> AccountFilter:
    """The filter with its words trimmed; an unknown choice is refused (a 422 with its reason)."""
    for value, allowed, field in ((filters.role, ROLES, "role"), (filters.state, STATES, "state"),
                                  (filters.origin, ORIGINS, "origin")):
        if value not in allowed:
            raise Invalid(f"알 수 없는 조건입니다: {value}", field=field)
    query, email_domain = filters.query.strip(), filters.email_domain.strip().lstrip("@").lower()
    if len(query) > QUERY_MAX or len(email_domain) > QUERY_MAX:
        raise Invalid(f"검색어는 {QUERY_MAX}자까지 쓸 수 있습니다", field="query")
    return AccountFilter(query, email_domain, filters.role, filters.state, filters.origin)


async def list_accounts(session: AsyncSession, *, actor: Account, filters: AccountFilter,
                        page: Page) -> list[AccountRow]:
    await require_admin(session, actor)
    f = checked_filter(filters)
    stmt = select(Account, User).outerjoin(User, User.account_id == Account.id)
    if f.query:
        pattern = _like(f.query.lstrip("@").lower())
        stmt = stmt.where(or_(func.lower(Account.username).like(pattern, escape="\\"),
                              func.lower(Account.display_name).like(pattern, escape="\\"),
                              func.lower(func.coalesce(Account.domain, "")).like(pattern, escape="\\")))
    if f.email_domain:
        stmt = stmt.where(func.lower(User.email).like("%@" + _like(f.email_domain)[1:], escape="\\"))
    is_staff = exists().where(StaffMember.account_id == Account.id)
    if f.role == "admin":
        stmt = stmt.where(User.admin.is_(True))
    elif f.role == "staff":
        stmt = stmt.where(is_staff)
    elif f.role == "organisation":
        stmt = stmt.where(Account.organisation.is_(True))
    elif f.role == "citizen":
        stmt = stmt.where(Account.domain.is_(None), Account.organisation.is_(False), User.admin.is_(False), ~is_staff)
    if f.state == "active":
        stmt = stmt.where(Account.suspended_at.is_(None), Account.limited_at.is_(None),
                          or_(User.id.is_(None), (User.approved.is_(True)) & (User.disabled.is_(False))))
    elif f.state == "pending":
        stmt = stmt.where(User.approved.is_(False))
    elif f.state == "limited":
        stmt = stmt.where(Account.limited_at.is_not(None))
    elif f.state == "suspended":
        stmt = stmt.where(Account.suspended_at.is_not(None))
    elif f.state == "disabled":
        stmt = stmt.where(User.disabled.is_(True))
    if f.origin == "local":
        stmt = stmt.where(Account.domain.is_(None))
    elif f.origin == "remote":
        stmt = stmt.where(Account.domain.is_not(None))
    found = await fetch_page(session, stmt, Account.id, page, rows=True)
    ids = [account.id for account, _ in found]
    staff: set[int] = set()
    reports: dict[int, int] = {}
    if ids:
        staff = set(await session.scalars(select(StaffMember.account_id).where(StaffMember.account_id.in_(ids))))
        reports = dict((await session.execute(
            select(Report.target_account_id, func.count()).where(Report.target_account_id.in_(ids),
                                                                Report.action_taken_at.is_(None))
            .group_by(Report.target_account_id))).all())
    return [AccountRow(account, user, account.id in staff, reports.get(account.id, 0)) for account, user in found]


async def reports_about(session: AsyncSession, *, actor: Account, account_id: int, limit: int = 50) -> list[Report]:
    """The reports made against one account, newest first (its admin page)."""
    await require_admin(session, actor)
    return list(await session.scalars(select(Report).where(Report.target_account_id == account_id)
                                      .order_by(Report.id.desc()).limit(limit)))
