"""Interim notices: an open case gets one 30 days after receipt (by the daily job), and the
citizen may ask for one at any time, once a day; each is a history entry and a DM."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from madang.core.errors import Invalid
from madang.db import Database
from madang.desk.answers import answer_case
from madang.desk.cases import log_case
from madang.desk.interim import JOB, schedule_interim_notices, send_interim_notice
from madang.models import Job, Status
from madang.models.desk import Case, CaseEvent
from tests.desk.city import SITE, City, clock_fixture, make_city  # noqa: F401
from tests.factories import run_jobs

pytestmark = pytest.mark.usefixtures("clock")


async def _open(db: Database, city: City, text: str) -> Case:
    async with db.write() as s:
        return await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                              kind="question_law", description=text, citizen=city.citizen)


async def _interim(db: Database, case_id: int) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(CaseEvent.note).where(
            CaseEvent.case_id == case_id, CaseEvent.action == "interim_notice").order_by(CaseEvent.id)))


async def _dms_to_citizen(db: Database, city: City) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Status.text).where(
            Status.account_id == city.org.id, Status.visibility == "direct", Status.text.contains("처리 중입니다"))))


async def test_the_daily_job_sends_one_notice_to_cases_open_for_30_days(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    old = await _open(db, city, "도서관 운영 조례 해석을 묻습니다")
    clock.advance(days=20)
    recent = await _open(db, city, "공원 조례 해석을 묻습니다")
    answered = await _open(db, city, "주차장 조례를 묻습니다")
    async with db.write() as s:
        await answer_case(s, site=SITE, organisation=city.org, case_id=answered.id, staff=city.admin,
                          text="조례 제3조에 따릅니다.")
    clock.advance(days=11)  # the first case is 31 days old, the second 11
    async with db.write() as s:
        assert await schedule_interim_notices(s, site=SITE)
    async with db.write() as s:
        assert not await schedule_interim_notices(s, site=SITE)  # a second start (another process) is a no-op
    await run_jobs(db)
    assert await _interim(db, old.id) == ["접수 후 30일 경과"]
    assert await _interim(db, recent.id) == [] and await _interim(db, answered.id) == []
    dms = await _dms_to_citizen(db, city)
    assert len(dms) == 1 and old.number in dms[0] and "답변 예정일은" in dms[0]
    async with db.read() as s:
        nxt = await s.scalar(select(Job).where(Job.name == JOB, Job.state == "pending"))
    assert nxt is not None  # the chain goes on tomorrow

    clock.advance(days=2)
    async with db.write() as s:
        await s.execute(Job.__table__.update().where(Job.name == JOB).values(run_at=clock.now()))
    await run_jobs(db)
    assert await _interim(db, old.id) == ["접수 후 30일 경과"]  # once for the 30-day rule


async def test_the_citizen_may_ask_once_a_day_and_not_after_the_answer(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    case = await _open(db, city, "버스 노선 변경 절차를 묻습니다")
    async with db.write() as s:
        await send_interim_notice(s, site=SITE, case=await s.get(Case, case.id), asked_by=city.citizen)
    with pytest.raises(Invalid, match="하루에 한 번"):
        async with db.write() as s:
            await send_interim_notice(s, site=SITE, case=await s.get(Case, case.id), asked_by=city.citizen)
    assert await _interim(db, case.id) == ["시민 요청"]
    clock.advance(days=1, minutes=1)
    async with db.write() as s:
        await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.admin, text="절차 안내입니다.")
    with pytest.raises(Invalid, match="처리가 끝난"):
        async with db.write() as s:
            await send_interim_notice(s, site=SITE, case=await s.get(Case, case.id), asked_by=city.citizen)
    assert len(await _dms_to_citizen(db, city)) == 1
