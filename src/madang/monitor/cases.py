"""Opening a desk case from a post on the monitor, in one action."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.desk.cases import get_case
from madang.desk.inbox import take_in_post, triage_to_case
from madang.desk.organisations import TRIAGE, require_role
from madang.models import Account
from madang.models.desk import Case
from madang.monitor.feed import get_monitor_item
from madang.monitor.marks import set_handled
from madang.statuses.create import Site


async def open_case_from_post(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, status_id: int, kind: str,
) -> tuple[Case, bool]:
    """The post becomes a case at the organisation's desk (through its inbox, so the desk's
    history shows where it came from) and is marked handled on the monitor. A post that is a case
    already gives that case back (False: not new). Only a post the monitor shows may become a
    case: any other id (a direct message between two citizens) is NotFound, as if it did not exist."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=TRIAGE)
    status = (await get_monitor_item(session, organisation_id=organisation.id, status_id=status_id)).status
    item = await take_in_post(session, organisation=organisation, status=status)
    if item.state == "case" and item.case_id is not None:
        return await get_case(session, organisation_id=organisation.id, case_id=item.case_id), False
    case = await triage_to_case(session, site=site, organisation=organisation, item_id=item.id, staff=staff,
                                kind=kind)
    await set_handled(session, organisation=organisation, staff=staff, status_id=status_id)
    return case, True
