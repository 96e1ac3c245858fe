"""What the desk pages read: the inbox tabs, a case's people and departments, a citizen's own cases.

Read-only queries; every staff view checks the membership first (`require_role`), so a page
never lists an organisation's cases to someone outside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.desk.organisations import VIEW, require_role
from madang.desk.transitions import OPEN
from madang.models import Account, Status
from madang.models.desk import Case, CaseEvent, Department, InboxItem, StaffMember

SEOUL = ZoneInfo("Asia/Seoul")
TABS = ("untriaged", "mine", "department", "due_today", "overdue", "waiting")
# The clock stops while the office waits for the citizen: such a case is neither due nor late.
RUNNING = tuple(s for s in OPEN if s != "waiting_for_citizen")


@dataclass
class Membership:
    organisation: Account
    member: StaffMember


async def memberships(session: AsyncSession, *, account: Account) -> list[Membership]:
    """The organisations whose desk the account works at, oldest membership first."""
    rows = await session.execute(
        select(StaffMember, Account).join(Account, Account.id == StaffMember.organisation_id)
        .where(StaffMember.account_id == account.id).order_by(StaffMember.id))
    return [Membership(org, member) for member, org in rows]


async def desk_organisations(session: AsyncSession) -> list[Account]:
    """Local organisation accounts that run a desk (a department or a staff member): the web form's choices."""
    has_desk = (exists().where(Department.organisation_id == Account.id)
                | exists().where(StaffMember.organisation_id == Account.id))
    return list(await session.scalars(
        select(Account).where(Account.organisation.is_(True), Account.domain.is_(None), has_desk)
        .order_by(Account.id).limit(100)))


def _seoul_day_end(now: datetime) -> datetime:
    local = now.astimezone(SEOUL)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=SEOUL)


async def case_tab(
    session: AsyncSession, *, organisation: Account, staff: Account, tab: str, now: datetime,
    department_id: int | None = None, offset: int = 0, limit: int = 20,
) -> tuple[list[Case], bool]:
    """One page of a tab (other than the untriaged inbox) and whether there is a next page.
    Deadline tabs run soonest-due first; the others newest first."""
    member = await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    query = select(Case).where(Case.organisation_id == organisation.id)
    order = (Case.due_at, Case.id)
    if tab == "mine":
        query = query.where(Case.assignee_id == staff.id, Case.status.in_(OPEN))
    elif tab == "department":
        department_id = department_id or member.department_id
        query = query.where(Case.status.in_(OPEN))
        if department_id is not None:
            query = query.where(Case.department_id == department_id)
    elif tab == "due_today":
        query = query.where(Case.status.in_(RUNNING), Case.due_at >= now, Case.due_at < _seoul_day_end(now))
    elif tab == "overdue":
        query = query.where(Case.status.in_(RUNNING), Case.due_at < now)
    elif tab == "waiting":
        query = query.where(Case.status == "waiting_for_citizen")
        order = (Case.waiting_since, Case.id)
    else:
        raise Invalid("알 수 없는 목록입니다", field="tab")
    limit = max(1, min(limit, 100))
    rows = list(await session.scalars(query.order_by(*order).offset(max(0, offset)).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


async def untriaged_page(
    session: AsyncSession, *, organisation: Account, staff: Account, offset: int = 0, limit: int = 20,
) -> tuple[list[tuple[InboxItem, Status, Account]], bool]:
    """Untriaged posts, oldest first, with their authors."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    limit = max(1, min(limit, 100))
    rows = list(await session.execute(
        select(InboxItem, Status, Account).join(Status, Status.id == InboxItem.source_status_id)
        .join(Account, Account.id == InboxItem.author_id)
        .where(InboxItem.organisation_id == organisation.id, InboxItem.state == "untriaged")
        .order_by(InboxItem.received_at, InboxItem.id).offset(max(0, offset)).limit(limit + 1)))
    return [(i, s, a) for i, s, a in rows[:limit]], len(rows) > limit


async def tab_counts(session: AsyncSession, *, organisation: Account, staff: Account, now: datetime) -> dict[str, int]:
    """How many items each tab holds (the department tab as the staff member sees it). Every
    case tab is a subset of the open cases, so one pass over those (the status index) counts
    them all, however many closed cases the desk has."""
    member = await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    in_department = (Case.department_id == member.department_id) if member.department_id is not None else true()
    # Grouped by status: SQLite then walks the status index for the open cases only (with
    # ANALYZE's averages, a plain IN over the statuses was planned as a full scan).
    rows = (await session.execute(select(
        Case.status,
        func.count().filter(Case.assignee_id == staff.id),
        func.count().filter(in_department),
        func.count().filter(Case.due_at >= now, Case.due_at < _seoul_day_end(now)),
        func.count().filter(Case.due_at < now),
        func.count(),
    ).where(Case.organisation_id == organisation.id, Case.status.in_(OPEN)).group_by(Case.status))).all()
    mine = department = due_today = overdue = waiting = 0
    for status, own, in_dept, today, late, total in rows:
        mine, department = mine + own, department + in_dept
        if status in RUNNING:
            due_today, overdue = due_today + today, overdue + late
        elif status == "waiting_for_citizen":
            waiting += total
    untriaged = await session.scalar(select(func.count()).select_from(InboxItem).where(
        InboxItem.organisation_id == organisation.id, InboxItem.state == "untriaged"))
    return {"untriaged": int(untriaged or 0), "mine": mine, "department": department, "due_today": due_today,
            "overdue": overdue, "waiting": waiting}


async def names_for(
    session: AsyncSession, *, cases: Sequence[Case], events: Sequence[CaseEvent] = (),
) -> tuple[dict[int, Department], dict[int, Account]]:
    """The departments and accounts the cases and events point at, loaded in two queries."""
    department_ids = {c.department_id for c in cases} | {e.from_department_id for e in events} | {
        e.to_department_id for e in events}
    account_ids = {c.assignee_id for c in cases} | {c.citizen_id for c in cases} | {e.actor_id for e in events} | {
        e.from_assignee_id for e in events} | {e.to_assignee_id for e in events}
    department_ids.discard(None)
    account_ids.discard(None)
    departments = {d.id: d for d in await session.scalars(select(Department).where(
        Department.id.in_(department_ids)))} if department_ids else {}
    accounts = {a.id: a for a in await session.scalars(select(Account).where(
        Account.id.in_(account_ids)))} if account_ids else {}
    return departments, accounts


async def citizen_cases(
    session: AsyncSession, *, citizen: Account, offset: int = 0, limit: int = 20,
) -> tuple[list[tuple[Case, Account]], bool]:
    """A citizen's own cases, newest first, with the organisation each went to."""
    limit = max(1, min(limit, 100))
    rows = list(await session.execute(
        select(Case, Account).join(Account, Account.id == Case.organisation_id)
        .where(Case.citizen_id == citizen.id).order_by(Case.received_at.desc(), Case.id.desc())
        .offset(max(0, offset)).limit(limit + 1)))
    return [(c, o) for c, o in rows[:limit]], len(rows) > limit


def answer_route(case: Case, source: Status | None) -> str:
    """Where `answers.answer_case` will send the answer, for the composer to say so beforehand:
    `public` (a masked public reply), `public_and_dm` (the citizen's post carried personal data:
    the full answer by direct message too), `dm`, `email` or `record` (nothing to send to)."""
    from madang.text.personal_data import has_personal_data

    if source is not None and source.deleted_at is not None:
        source = None
    if case.citizen_id is not None and source is not None and case.channel == "mention" and source.visibility != "direct":
        return "public_and_dm" if has_personal_data(source.text) else "public"
    if case.citizen_id is not None:
        return "dm"
    return "email" if case.guest_email else "record"
