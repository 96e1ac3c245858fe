"""Acting as the organisation on a post from the monitor: reply, favourite, boost. The office's
use cases (office.posting) check the office right; here the post must also be one the monitor
shows, so an id from elsewhere (a citizen's direct message) is NotFound, never boosted as the city."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Status
from madang.monitor.feed import get_monitor_item
from madang.monitor.marks import set_handled
from madang.office.posting import favourite_as_organisation, reblog_as_organisation, reply_as_organisation
from madang.office.roles import require_office
from madang.statuses.create import Site


async def _monitored(session: AsyncSession, *, organisation: Account, staff: Account, status_id: int) -> Status:
    # The right first: a refusal must not depend on the id, or it would tell which ids exist.
    await require_office(session, organisation_id=organisation.id, account=staff, right="respond")
    return (await get_monitor_item(session, organisation_id=organisation.id, status_id=status_id)).status


async def reply_from_monitor(
    session: AsyncSession, *, organisation: Account, staff: Account, status_id: int, text: str, site: Site,
) -> Status:
    """The reply as the organisation; the post is marked handled for the whole office."""
    target = await _monitored(session, organisation=organisation, staff=staff, status_id=status_id)
    reply = await reply_as_organisation(session, organisation=organisation, staff_account=staff, in_reply_to=target,
                                        text=text, site=site)
    await set_handled(session, organisation=organisation, staff=staff, status_id=status_id)
    return reply


async def favourite_from_monitor(
    session: AsyncSession, *, organisation: Account, staff: Account, status_id: int,
) -> Status:
    target = await _monitored(session, organisation=organisation, staff=staff, status_id=status_id)
    return await favourite_as_organisation(session, organisation=organisation, staff_account=staff, status=target)


async def reblog_from_monitor(
    session: AsyncSession, *, organisation: Account, staff: Account, status_id: int, site: Site,
) -> Status:
    target = await _monitored(session, organisation=organisation, staff=staff, status_id=status_id)
    return await reblog_as_organisation(session, organisation=organisation, staff_account=staff, status=target,
                                        site=site)
