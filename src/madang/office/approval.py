"""Whether an organisation's drafts need an approver before they go out (off unless turned on)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.models import Account
from madang.models.office import OfficeSettings
from madang.office.roles import require_office


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
