"""Whether an organisation's drafts need an approver before they go out (off unless turned on),
and telling its approvers that a draft waits for them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.desk.organisations import find_staff
from madang.models import Account, Notification
from madang.models.desk import StaffMember
from madang.models.office import OfficeDraft, OfficeSettings
from madang.office.roles import has_right, require_office

# madang's own notification type: the web page shows it, the Mastodon API leaves it out (its
# clients break on unknown types), as analytics.notices does for account-health alerts.
DRAFT_SUBMITTED = "madang.draft_submitted"


async def approval_required(session: AsyncSession, organisation_id: int) -> bool:
    row = await session.get(OfficeSettings, organisation_id)
    return bool(row and row.approval_required)


async def set_approval_required(
    session: AsyncSession, *, organisation: Account, staff: Account | None, required: bool,
) -> OfficeSettings:
    """An office admin turns approval on or off (``staff`` None: the CLI or the demo)."""
    if staff is not None:
        await require_office(session, organisation_id=organisation.id, account=staff, right="manage")
    row = await session.get(OfficeSettings, organisation.id)
    if row is None:
        row = OfficeSettings(organisation_id=organisation.id, approval_required=required,
                             updated_by_id=staff.id if staff else None, updated_at=utcnow())
        session.add(row)
    else:
        row.approval_required = required
        row.updated_by_id = staff.id if staff else None
        row.updated_at = utcnow()
    await session.flush()
    return row


async def approver_ids(session: AsyncSession, *, organisation_id: int) -> list[int]:
    """The accounts that may approve the organisation's drafts."""
    staff = await session.scalars(select(StaffMember).where(StaffMember.organisation_id == organisation_id))
    return sorted(m.account_id for m in staff if has_right(m, "approve"))


async def notify_approvers(session: AsyncSession, *, draft: OfficeDraft) -> None:
    """One notification per approver (but the author) and draft: a draft sent back and submitted
    again does not notify twice (the notifications' unique key ignores the repeat)."""
    now = utcnow()
    rows = [{"id": new_id(), "account_id": a, "from_account_id": draft.author_id, "type": DRAFT_SUBMITTED,
             "activity_id": draft.id, "status_id": None, "created_at": now}
            for a in await approver_ids(session, organisation_id=draft.organisation_id) if a != draft.author_id]
    if rows:
        # Written directly, not through notifications.notify, which would stream and push it to
        # Mastodon clients that do not know the type.
        await session.execute(insert_ignore(session, Notification.__table__).values(rows))


async def count_waiting(session: AsyncSession, *, organisation_id: int, staff: Account) -> int | None:
    """How many drafts wait for ``staff`` to approve them (others' submitted drafts); None when
    ``staff`` may not approve."""
    member = await find_staff(session, organisation_id=organisation_id, account_id=staff.id)
    if member is None or not has_right(member, "approve"):
        return None
    return int(await session.scalar(select(func.count()).select_from(OfficeDraft).where(
        OfficeDraft.organisation_id == organisation_id, OfficeDraft.state == "submitted",
        OfficeDraft.author_id != staff.id)) or 0)
