"""Personal data never travels from one case to another: a suggestion is built from the masked
texts only, with the past citizen's names taken out, and so is what the index stores."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from madang.db import Database
from madang.desk.cases import log_case
from madang.desk.suggestions.suggesting import suggest_answers, suggested_text
from madang.desk.suggestions.terms import scrub_names
from madang.models.desk_suggestions import SuggestionDoc
from tests.desk.city import SITE, clock_fixture, make_city  # noqa: F401
from tests.desk.suggestions.helpers import answer_the_past, answered, index_jobs

pytestmark = pytest.mark.usefixtures("clock")

PHONE, DIGITS, NAME = "010-2345-6789", "2345", "김하늘"


async def test_a_phone_number_or_a_name_in_a_past_case_never_reaches_a_suggestion(db: Database) -> None:
    city = await make_city(db)
    await answer_the_past(db, city, only=4)
    past = await answered(
        db, city, f"저는 {NAME}입니다. 폐현수막 수거 요청합니다. 연락처 {PHONE}",
        f"{NAME}님, 폐현수막은 내일 수거하겠습니다. 담당자가 {PHONE}(으)로 연락드리겠습니다.",
        guest_name=NAME, guest_phone=PHONE)
    await index_jobs(db)
    async with db.write() as s:
        new = await log_case(s, site=SITE, organisation=city.org, staff=city.admin, channel="phone",
                             kind="question_procedure", description="폐현수막 수거 요청은 어떻게 하나요?")
    async with db.read() as s:
        found = await suggest_answers(s, organisation=city.org, staff=city.admin, case_id=new.id)
        filled = await suggested_text(s, organisation=city.org, staff=city.admin, case_id=new.id,
                                      source=f"case:{past.id}")
        stored = await s.scalar(select(SuggestionDoc.lemmas).where(SuggestionDoc.case_id == past.id))
    assert found and found[0].id == past.id, found
    for text in (found[0].text, found[0].question, filled, stored or ""):
        assert DIGITS not in text and NAME not in text and "하늘" not in text, text
    assert "폐현수막" in found[0].text and "○○○님" in found[0].text and "010-****-6789" in found[0].text
    assert stored and "폐현수막" in stored


def test_names_are_taken_out_where_they_address_someone() -> None:
    names = ["김민수", "minsu_kim", "@minsu_kim@madang.test"]
    assert scrub_names("김민수님, 민수 씨께 Minsu_Kim 드림", names) == "○○○님, ○○○ 씨께 ○○○ 드림"
    # A given name alone is taken out only before an honorific: 국민수당 is a word, not a name.
    assert scrub_names("국민수당 안내", names) == "국민수당 안내"
    assert scrub_names("아무 이름도 없음", [None, ""]) == "아무 이름도 없음"
