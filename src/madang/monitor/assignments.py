"""Giving a post on the monitor to a colleague, and acting on several posts at once (decision 0047).

Who may: staff with the handle right (desk.organisations.HANDLE), the same right as marking a
post handled. To whom: a member of the same organisation's staff who may handle too (a reader
cannot be given work). Several at once is all or nothing: every id must be a post the monitor
shows, checked before anything is written, and the caller's one unit of work holds every row."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.desk.organisations import HANDLE, ROLE_LABELS, find_staff, list_staff, require_role
from madang.events import publish
from madang.models import Account
from madang.models.monitor import MonitorAssignment
from madang.monitor.feed import get_monitor_item, load_items
from madang.monitor.marks import set_handled
from madang.monitor.watches import load_rules

ASSIGNED = "monitor.assigned"
# A page holds 40 posts; a form with more than this many was not made by the page.
MOST_AT_ONCE = 100


async def assignable_staff(session: AsyncSession, *, organisation_id: int) -> list[Account]:
    """The colleagues a post may be given to: staff who may handle it, by name."""
    return sorted((a for m, a in await list_staff(session, organisation_id=organisation_id) if m.role in HANDLE),
                  key=lambda a: (a.display_name or a.username).casefold())


async def _assignee(session: AsyncSession, *, organisation: Account, assignee_id: int) -> Account:
    member = await find_staff(session, organisation_id=organisation.id, account_id=assignee_id)
    if member is None:
        raise Invalid("이 기관의 직원에게만 배정할 수 있습니다", field="assignee")
    if member.role not in HANDLE:
        raise Invalid(f"{ROLE_LABELS.get(member.role, member.role)} 역할인 직원에게는 배정할 수 없습니다",
                      field="assignee")
    account = await session.get(Account, assignee_id)
    if account is None or account.suspended_at is not None:
        raise Invalid("이 직원에게는 배정할 수 없습니다", field="assignee")
    return account


async def _write(session: AsyncSession, *, organisation: Account, staff: Account, status_id: int,
                 assignee: Account | None) -> None:
    await session.execute(delete(MonitorAssignment).where(
        MonitorAssignment.organisation_id == organisation.id, MonitorAssignment.status_id == status_id))
    if assignee is not None:
        session.add(MonitorAssignment(organisation_id=organisation.id, status_id=status_id,
                                      assigned_to_id=assignee.id, assigned_by_id=staff.id, assigned_at=utcnow()))
    await session.flush()
    publish(session, {"type": ASSIGNED, "organisation_id": organisation.id, "status_id": status_id,
                      "to": (assignee.display_name or assignee.username) if assignee else None})


async def assign(
    session: AsyncSession, *, organisation: Account, staff: Account, status_id: int, assignee_id: int | None,
) -> Account | None:
    """Gives the post to ``assignee_id`` (None: to nobody); a new assignment replaces the old.
    Returns the assignee."""
    # The right first: a refusal must not depend on the id, or it would tell which ids exist.
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    assignee = await _assignee(session, organisation=organisation, assignee_id=assignee_id) \
        if assignee_id is not None else None
    await get_monitor_item(session, organisation_id=organisation.id, status_id=status_id)
    await _write(session, organisation=organisation, staff=staff, status_id=status_id, assignee=assignee)
    return assignee


async def _all_on_monitor(session: AsyncSession, *, organisation: Account, status_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(status_ids))
    if not ids:
        raise Invalid("글을 하나 이상 골라 주세요", field="ids")
    if len(ids) > MOST_AT_ONCE:
        raise Invalid(f"한 번에 {MOST_AT_ONCE}개까지 고를 수 있습니다", field="ids")
    rules = await load_rules(session, organisation.id)
    shown = {item.status.id for item in await load_items(session, rules, ids)}
    missing = [i for i in ids if i not in shown]
    if missing:
        raise NotFound(f"고른 글 가운데 {len(missing)}개는 모니터에 없는 글입니다. 아무것도 바꾸지 않았습니다",
                       field="ids")
    return ids


async def handle_many(
    session: AsyncSession, *, organisation: Account, staff: Account, status_ids: list[int],
) -> int:
    """Marks every post handled, or none: how many were chosen."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    ids = await _all_on_monitor(session, organisation=organisation, status_ids=status_ids)
    for status_id in ids:
        await set_handled(session, organisation=organisation, staff=staff, status_id=status_id)
    return len(ids)


async def assign_many(
    session: AsyncSession, *, organisation: Account, staff: Account, status_ids: list[int],
    assignee_id: int | None,
) -> int:
    """Gives every post to ``assignee_id`` (None: to nobody), or none: how many were chosen."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    assignee = await _assignee(session, organisation=organisation, assignee_id=assignee_id) \
        if assignee_id is not None else None
    ids = await _all_on_monitor(session, organisation=organisation, status_ids=status_ids)
    for status_id in ids:
        await _write(session, organisation=organisation, staff=staff, status_id=status_id, assignee=assignee)
    return len(ids)
