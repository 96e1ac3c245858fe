"""The desk's case page on a real server: suggestions with the case each came from, and the
button that puts one in the answer box (a plain GET form, like the canned answers: no JavaScript
needed); none for read-only staff; the office admin's frequently asked categories page."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

from madang.db import Database
from madang.desk.cases import log_case
from madang.desk.services import add_service
from madang.models.desk import Case
from madang.models.desk_suggestions import FaqCategory
from tests.accounts.factories import PASSWORD
from tests.desk.city import SITE, City, make_city
from tests.desk.suggestions.helpers import answer_the_past, answered, index_jobs
from tests.support.server import running_server
from tests.web.client import WebClient

ANSWER = "체육공원 배드민턴장 조명은 밤 10시에 꺼집니다."


def _setup(url: str) -> tuple[City, Case, Case]:
    async def go() -> tuple[City, Case, Case]:
        db = Database(url)
        try:
            city = await make_city(db)
            await answer_the_past(db, city, only=3)
            past = await answered(db, city, "배드민턴장 야간 조명은 몇 시에 꺼지나요?", ANSWER)
            await index_jobs(db)
            async with db.write() as s:
                await add_service(s, organisation=city.org, service_code="hours", name="운영 시간")
                new = await log_case(s, site=SITE, organisation=city.org, staff=city.admin, channel="phone",
                                     kind="question_procedure", description="배드민턴장 조명 꺼지는 시간 알려 주세요",
                                     department=city.transport)
            return city, past, new
        finally:
            await db.dispose()
    return asyncio.run(go())


def _faq(url: str) -> list[tuple[str, bool, float]]:
    async def go() -> list[tuple[str, bool, float]]:
        db = Database(url)
        try:
            async with db.read() as s:
                from sqlalchemy import select

                return [(r.category, r.auto_reply, r.threshold) for r in await s.scalars(select(FaqCategory))]
        finally:
            await db.dispose()
    return asyncio.run(go())


def _person(base: str, username: str) -> WebClient:
    web = WebClient(base)
    assert web.sign_in(username, PASSWORD).status_code == 303
    return web


def _answer_box(page: str) -> str:
    found = re.search(r'<textarea id="a-answer-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, page[:3000]
    return html.unescape(found.group(1))


def test_the_case_page_suggests_past_answers_and_fills_the_box(database_url: str, tmp_path: Path) -> None:
    city, past, new = _setup(database_url)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        officer = _person(base, "desk_officer")
        page = officer.get(f"/desk/cases/{new.number}")
        assert page.status_code == 200
        text = page.text
        assert "추천 답변" in text and ANSWER in text
        assert f'href="/desk/cases/{past.number}"' in text  # the case it came from
        assert re.search(r"일치도 \d+%", text)
        assert f'name="suggestion" value="case:{past.id}"' in text and "답변란에 넣기" in text
        assert _answer_box(text) == ""
        filled = officer.get(f"/desk/cases/{new.number}", params={"suggestion": f"case:{past.id}"})
        assert filled.status_code == 200 and _answer_box(filled.text) == ANSWER
        assert officer.get(f"/desk/cases/{new.number}", params={"suggestion": "case:12345"}).status_code == 404
        # Read-only staff have no answer form, hence no suggestions; another department's officer
        # may not take one.
        reader = _person(base, "desk_reader").get(f"/desk/cases/{new.number}").text
        assert "추천 답변" not in reader and ANSWER not in reader
        other = _person(base, "welfare_officer")
        assert other.get(f"/desk/cases/{new.number}", params={"suggestion": f"case:{past.id}"}).status_code == 403

        # The office admin marks a category as frequently asked, with its automatic reply at 70%.
        admin = _person(base, "desk_admin")
        faq = admin.get("/desk/settings/faq")
        assert faq.status_code == 200 and "운영 시간" in faq.text and "자동 첫 답변" in faq.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', faq.text).group(1)  # type: ignore[union-attr]
        saved = admin.post("/desk/settings/faq/hours", {"csrf_token": csrf, "faq": "1", "auto_reply": "1",
                                                       "threshold": "70"})
        assert saved.status_code == 303, saved.text[:2000]
        assert _faq(database_url) == [("hours", True, 0.7)]
        refused = admin.post("/desk/settings/faq/hours", {"csrf_token": csrf, "faq": "1", "threshold": "500"})
        assert refused.status_code == 422 and "기준 점수" in refused.text
        assert _faq(database_url) == [("hours", True, 0.7)]
        triager = _person(base, "desk_triager")
        page = triager.get("/desk/settings/faq")
        assert page.status_code == 403
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', triager.get("/desk").text).group(1)  # type: ignore[union-attr]
        assert triager.post("/desk/settings/faq/hours", {"csrf_token": csrf}).status_code == 403
        assert _faq(database_url) == [("hours", True, 0.7)]
        assert admin.post("/desk/settings/faq/hours", {"csrf_token": csrf_of(admin)}).status_code == 303
        assert _faq(database_url) == []


def csrf_of(web: WebClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', web.get("/desk/settings/faq").text).group(1)  # type: ignore[union-attr]
