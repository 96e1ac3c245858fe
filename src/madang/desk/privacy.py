"""A case's personal data: masked wherever it may be seen beyond the desk, and every staff view
of the unmasked original written to an audit log (민원처리법 제7조)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.desk.cases import get_case
from madang.desk.organisations import HANDLE, require_role
from madang.desk.public_text import public_description, public_text  # noqa: F401  (the names surfaces import)
from madang.desk.transitions import check_access
from madang.models import Account
from madang.models.desk import Case, PersonalDataView


async def reveal_case(session: AsyncSession, *, organisation: Account, case_id: int, staff: Account) -> Case:
    """The case with its unmasked question and the guest's contact, for a staff member; the view
    is logged (in the same unit, so a view that is shown is a view that is recorded).

    Whoever may answer the case may see what they answer, and no one else (decision 0028): the
    roles that handle cases, within the department boundary that answering keeps; read-only
    staff see the masked text only."""
    member = await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    case = await get_case(session, organisation_id=organisation.id, case_id=case_id)
    check_access(member, case, staff)
    session.add(PersonalDataView(case_id=case.id, account_id=staff.id, at=utcnow()))
    await session.flush()
    return case


async def list_personal_data_views(session: AsyncSession, *, case_id: int) -> list[PersonalDataView]:
    return list(await session.scalars(select(PersonalDataView).where(PersonalDataView.case_id == case_id)
                                      .order_by(PersonalDataView.at, PersonalDataView.id)))
