"""Case numbers `YYYY-NNNNNN`: gap-free per organisation and year, and never shared.

The number comes from a counter row bumped by one UPDATE in the transaction that opens the
case. On PostgreSQL the row lock makes a concurrent opening wait until this one commits or
rolls back (so a rolled-back opening leaves no gap); on SQLite the single writer does the same.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.dialect import insert_ignore
from madang.models.desk import CaseCounter

SEOUL = ZoneInfo("Asia/Seoul")
_COUNTERS = CaseCounter.__table__


async def next_case_number(session: AsyncSession, *, organisation_id: int, received_at: datetime) -> str:
    """The next number of the year of receipt (Seoul's calendar: a case on 31 December at 23:30
    Seoul time belongs to that year)."""
    year = received_at.astimezone(SEOUL).year
    bump = (update(_COUNTERS)
            .where(_COUNTERS.c.organisation_id == organisation_id, _COUNTERS.c.year == year)
            .values(last=_COUNTERS.c.last + 1).returning(_COUNTERS.c.last))
    last = (await session.execute(bump)).scalar_one_or_none()
    if last is None:
        # The year's first case: the row may be created by a concurrent opening too, hence
        # INSERT … ON CONFLICT DO NOTHING (which waits for that one) and the bump again.
        await session.execute(insert_ignore(session, _COUNTERS).values(
            organisation_id=organisation_id, year=year, last=0))
        last = (await session.execute(bump)).scalar_one()
    return f"{year}-{last:06d}"
