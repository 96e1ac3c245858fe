"""Who may be helped to answer a case is who may answer it; only office admins set the
frequently asked categories. Refusals change nothing."""

from __future__ import annotations

import pytest

from madang.core.errors import Forbidden, Invalid, NotFound
from madang.db import Database
from madang.desk.cases import log_case
from madang.desk.services import add_service
from madang.desk.suggestions.faq import list_faq_categories, set_faq_category
from madang.desk.suggestions.suggesting import suggest_answers, suggested_text
from tests.desk.city import SITE, clock_fixture, make_city  # noqa: F401
from tests.desk.suggestions.helpers import answer_the_past

pytestmark = pytest.mark.usefixtures("clock")


async def test_only_those_who_may_answer_the_case_get_suggestions(db: Database) -> None:
    city = await make_city(db)
    topic_of = await answer_the_past(db, city, only=2)
    async with db.write() as s:
        case = await log_case(s, site=SITE, organisation=city.org, staff=city.admin, channel="phone",
                              kind="question_procedure", description="민원실 토요일에도 여나요?",
                              department=city.transport)
    past = next(iter(topic_of))
    async with db.read() as s:
        for staff in (city.admin, city.triager, city.officer):
            assert await suggest_answers(s, organisation=city.org, staff=staff, case_id=case.id)
        for staff in (city.reader, city.welfare_officer, city.outsider, city.citizen):
            with pytest.raises(Forbidden):
                await suggest_answers(s, organisation=city.org, staff=staff, case_id=case.id)
            with pytest.raises(Forbidden):
                await suggested_text(s, organisation=city.org, staff=staff, case_id=case.id, source=f"case:{past}")
        for source in ("case:1", "canned:1", "status:1", "case:abc", f"case:{case.id}"):
            with pytest.raises(NotFound):  # unknown, not answered (the case itself), or not a suggestion
                await suggested_text(s, organisation=city.org, staff=city.admin, case_id=case.id, source=source)


async def test_only_office_admins_mark_frequently_asked_categories(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        await add_service(s, organisation=city.org, service_code="hours", name="운영 시간")
    for staff in (city.triager, city.officer, city.reader, city.outsider):
        with pytest.raises(Forbidden):
            async with db.write() as s:
                await set_faq_category(s, organisation=city.org, staff=staff, category="hours", auto_reply=True)
    async with db.write() as s:
        with pytest.raises(Invalid):
            await set_faq_category(s, organisation=city.org, staff=city.admin, category="nope", auto_reply=True)
        with pytest.raises(Invalid):
            await set_faq_category(s, organisation=city.org, staff=city.admin, category="hours", auto_reply=True,
                                   threshold=1.5)
    async with db.read() as s:
        assert [row for _, row in await list_faq_categories(s, organisation=city.org, staff=city.admin)] == [None]
    async with db.write() as s:
        await set_faq_category(s, organisation=city.org, staff=city.admin, category="hours", auto_reply=True,
                               threshold=0.6)
    async with db.read() as s:
        (service, row), = await list_faq_categories(s, organisation=city.org, staff=city.reader)
    assert service.service_code == "hours" and row is not None and row.auto_reply and row.threshold == 0.6
