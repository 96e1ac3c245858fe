"""How long a case took, kept on the case when it happens: the first response (a request for
more information or the answer) and the answer, in working hours from receipt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from madang.desk.deadlines import working_time_between
from madang.desk.organisations import closures_for
from madang.models.desk import Case


async def _working_hours(session: AsyncSession, case: Case, until: datetime) -> float:
    closures = await closures_for(session, case.organisation_id)
    return working_time_between(case.received_at, until, closures).total_seconds() / 3600


async def note_first_response(session: AsyncSession, case: Case, at: datetime) -> None:
    """Only the first one counts; later requests and answers leave it as it was."""
    if case.first_response_at is None:
        case.first_response_at = at
        case.first_response_hours = await _working_hours(session, case, at)


async def note_resolution(session: AsyncSession, case: Case, at: datetime) -> None:
    case.resolution_hours = await _working_hours(session, case, at)
