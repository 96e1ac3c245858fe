"""A frequently asked category's automatic first reply: sent only when the best suggestion's match
reaches the office's threshold, it says it is automatic, the case stays open for a person, and a
job run twice sends once. A category not marked, or marked without the reply, sends nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang.db import Database
from madang.desk.cases import open_web_case
from madang.desk.services import add_service
from madang.desk.suggestions.auto_replies import FOOTER, HEADER
from madang.desk.suggestions.faq import set_faq_category
from madang.models import Job, Status
from madang.models.desk import Case, CaseEvent
from madang.models.desk_suggestions import AutoReply
from madang.statuses.create import Site
from tests.desk.city import City, clock_fixture, make_city  # noqa: F401
from tests.desk.suggestions.helpers import answer_the_past
from tests.factories import rerun_done_jobs, run_jobs

pytestmark = pytest.mark.usefixtures("clock")
# Answers with the automatic reply's header and footer need more than the default 140 characters.
SITE = Site(base_url="https://madang.test", domain="madang.test", max_characters=500)
HOURS = "시청 민원실이 주말에도 문을 여나요?"  # a held-out question of the set's hall_hours topic


async def _city(db: Database, *, auto_reply: bool = True, threshold: float = 0.3, mark: bool = True) -> City:
    city = await make_city(db)
    await answer_the_past(db, city, only=6)
    async with db.write() as s:
        await add_service(s, organisation=city.org, service_code="hours", name="운영 시간")
        if mark:
            await set_faq_category(s, organisation=city.org, staff=city.admin, category="hours",
                                   auto_reply=auto_reply, threshold=threshold)
    return city


async def _ask(db: Database, city: City, text: str) -> Case:
    async with db.write() as s:
        return await open_web_case(s, site=SITE, organisation=city.org, kind="question_procedure",
                                   description=text, citizen=city.citizen, category="hours")


async def _replies(db: Database, city: City) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Status.text).where(
            Status.account_id == city.org.id, Status.text.contains("[자동 답변]"))))


async def test_a_good_match_gets_an_automatic_first_reply_once_and_the_case_stays_open(db: Database) -> None:
    city = await _city(db)
    case = await _ask(db, city, HOURS)
    await run_jobs(db)
    replies = await _replies(db, city)
    assert len(replies) == 1
    assert HEADER in replies[0] and FOOTER in replies[0] and "오전 9시부터 오후 6시" in replies[0]
    assert replies[0].startswith(f"@{city.citizen.acct} ")  # a direct message to the citizen
    async with db.read() as s:
        row = await s.get(AutoReply, case.id)
        again = await s.get(Case, case.id)
        events = list(await s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)))
    assert row is not None and row.sent and row.score >= 0.3 and row.source.startswith("case:")
    assert again is not None and again.status == "received" and again.answered_at is None
    assert again.first_response_at is None  # a person's first response is still to come
    assert sorted(events) == ["auto_reply", "opened"]  # the clock is frozen: same time
    await rerun_done_jobs(db)  # a worker that crashed after sending, before recording, runs it again
    await run_jobs(db)
    assert len(await _replies(db, city)) == 1


async def test_below_the_threshold_nothing_is_sent(db: Database) -> None:
    city = await _city(db, threshold=1.0)
    case = await _ask(db, city, "민원실 토요일 운영 여부와 근처 맛집 추천 부탁드려요")
    await run_jobs(db)
    assert await _replies(db, city) == []
    async with db.read() as s:
        row = await s.get(AutoReply, case.id)
    assert row is not None and not row.sent and row.score < 1.0


@pytest.mark.parametrize("setting", [{"auto_reply": False}, {"mark": False}])
async def test_without_the_automatic_reply_no_job_is_written(db: Database, setting: dict) -> None:
    city = await _city(db, **setting)
    await _ask(db, city, HOURS)
    async with db.read() as s:
        jobs = await s.scalar(select(func.count()).select_from(Job).where(Job.name == "desk.suggestions.auto_reply"))
    assert jobs == 0
    await run_jobs(db)
    assert await _replies(db, city) == []
