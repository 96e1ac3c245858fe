"""Case numbers are YYYY-NNNNNN, gap-free per organisation and year, and never shared, even when
openings run at the same time (on PostgreSQL truly concurrently)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.desk.cases import log_case
from madang.models.desk import Case, CaseEvent
from tests.desk.city import SITE, City, clock_fixture, make_city, seoul  # noqa: F401

pytestmark = pytest.mark.usefixtures("clock")


async def _log(db: Database, city: City, text: str = "버스 정류장 의자가 부서졌어요") -> Case:
    async with db.write() as s:
        return await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                              kind="other", description=text, guest_phone="031-8045-2114")


async def _numbers(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Case.number).order_by(Case.number)))


async def test_numbers_count_up_without_gaps_and_restart_each_year(db: Database, clock: FrozenClock) -> None:
    city = await make_city(db)
    assert [(await _log(db, city)).number for _ in range(3)] == ["2026-000001", "2026-000002", "2026-000003"]
    with pytest.raises(RuntimeError):  # an opening rolled back takes its number with it
        async with db.write() as s:
            await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="visit",
                           kind="other", description="취소될 민원")
            raise RuntimeError("the request failed after the case was opened")
    assert (await _log(db, city)).number == "2026-000004"
    clock.at = seoul(2027, 1, 4, 10, 0)
    assert (await _log(db, city)).number == "2027-000001"
    async with db.read() as s:
        events = list(await s.scalars(select(CaseEvent.action)))
    assert events == ["opened"] * 5


async def test_concurrent_openings_get_distinct_consecutive_numbers(database_url: str) -> None:
    db = Database(database_url, pool_size=10)
    try:
        city = await make_city(db)
        first_holds = asyncio.Event()

        async def slow_first() -> str:
            # Holds the year's new counter row uncommitted while the second opening starts.
            async with db.write() as s:
                case = await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                                      kind="other", description="첫 번째")
                first_holds.set()
                await asyncio.sleep(0.3)
            return case.number

        async def second() -> str:
            await first_holds.wait()
            return (await _log(db, city, "두 번째")).number

        assert sorted(await asyncio.gather(slow_first(), second())) == ["2026-000001", "2026-000002"]
        many = await asyncio.gather(*(_log(db, city, f"민원 {n}") for n in range(8)))
        assert sorted(c.number for c in many) == [f"2026-{n:06d}" for n in range(3, 11)]
        assert await _numbers(db) == [f"2026-{n:06d}" for n in range(1, 11)]
    finally:
        await db.dispose()
