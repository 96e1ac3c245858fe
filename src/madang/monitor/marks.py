"""Handled marks: one staff member deals with a post and every watcher sees who and when."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.dialect import insert_ignore
from madang.desk.organisations import HANDLE, require_role
from madang.events import publish
from madang.models import Account
from madang.models.monitor import MonitorMark
from madang.monitor.feed import get_monitor_item

HANDLED = "monitor.handled"


async def set_handled(
    session: AsyncSession, *, organisation: Account, staff: Account, status_id: int, handled: bool = True,
) -> MonitorMark | None:
    """Marks (or unmarks) the post for the whole office. Marking twice keeps the first mark:
    two staff clicking at once see the one who was first."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    await get_monitor_item(session, organisation_id=organisation.id, status_id=status_id)
    now = utcnow()
    if handled:
        await session.execute(insert_ignore(session, MonitorMark.__table__).values(
            organisation_id=organisation.id, status_id=status_id, handled_by_id=staff.id, handled_at=now))
    else:
        await session.execute(delete(MonitorMark).where(
            MonitorMark.organisation_id == organisation.id, MonitorMark.status_id == status_id))
    mark = await session.scalar(select(MonitorMark).where(
        MonitorMark.organisation_id == organisation.id, MonitorMark.status_id == status_id)
        .execution_options(populate_existing=True))
    by = await session.get(Account, mark.handled_by_id) if mark and mark.handled_by_id else None
    publish(session, {"type": HANDLED, "organisation_id": organisation.id, "status_id": status_id,
                      "handled": mark is not None,
                      "by": (by.display_name or by.username) if by else None,
                      "at": mark.handled_at.isoformat() if mark else None})
    return mark
