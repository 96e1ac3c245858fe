"""The whole path of a case on both databases: a citizen's mention becomes an inbox item by the
intake job, is triaged into a numbered case with its legal due date, assigned, started, paused
for more information (the due date moves by the wait), answered in public with the phone number
masked (and in full by direct message), and rated; a direct message is answered by direct message;
a guest of the web form by e-mail."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from madang import mail
from madang.core.clock import FrozenClock
from madang.core.settings import Settings
from madang.db import Database
from madang.desk.answers import answer_case, rate_case
from madang.desk.cases import open_web_case
from madang.desk.history import list_case_events
from madang.desk.inbox import list_inbox, mark_not_a_case, triage_to_case
from madang.desk.transitions import ask_citizen, assign_case, record_citizen_reply, start_case
from madang.models import Status
from madang.models.desk import Case, InboxItem
from tests.desk.city import SITE, City, clock_fixture, make_city, seoul  # noqa: F401
from tests.factories import make_status, notifications_of, rerun_done_jobs, run_jobs
from tests.mail.smtp import Inbox, smtp_server
from tests.support.server import running_server

QUESTION = "@anyanglove 가로등이 고장났어요 010-1234-5678"
ANSWER = "가로등은 3월 10일까지 고치겠습니다. 담당자가 010-1234-5678로 연락드리겠습니다."

pytestmark = pytest.mark.usefixtures("clock")


async def _dms_to(db: Database, city: City) -> list[Status]:
    async with db.read() as s:
        return list(await s.scalars(select(Status).where(
            Status.account_id == city.org.id, Status.visibility == "direct").order_by(Status.id)))


async def _reload(db: Database, case_id: int) -> Case:
    async with db.read() as s:
        return await s.get(Case, case_id)  # type: ignore[return-value]


async def test_a_mention_becomes_a_case_answered_in_public_masked(
    db: Database, database_url: str, clock: FrozenClock,
) -> None:
    city = await make_city(db)
    async with db.write() as s:
        question = await make_status(s, city.citizen, QUESTION)
        cheer = await make_status(s, city.outsider, "@anyanglove 시청 계정 개설 축하드려요!")
        await make_status(s, city.citizen, "오늘 안양천 산책 좋네요")  # mentions nobody: not for the desk
    await run_jobs(db)
    await rerun_done_jobs(db)  # the intake job is idempotent
    async with db.read() as s:
        inbox = await list_inbox(s, organisation=city.org, staff=city.reader)
    assert [status.id for _, status in inbox] == [question.id, cheer.id]

    async with db.write() as s:
        case = await triage_to_case(s, site=SITE, organisation=city.org, item_id=inbox[0][0].id,
                                    staff=city.triager, kind="grievance")
        await mark_not_a_case(s, organisation=city.org, item_id=inbox[1][0].id, staff=city.triager)
    assert case.number == "2026-000001"
    assert (case.channel, case.status, case.citizen_id, case.source_status_id) == (
        "mention", "received", city.citizen.id, question.id)
    # 고충민원, 7 days counted from Tuesday 3 March (day 1): Wednesday 11 March, 18:00.
    assert case.due_at == seoul(2026, 3, 11, 18, 0)
    async with db.read() as s:
        assert await list_inbox(s, organisation=city.org, staff=city.reader) == []
        assert (await s.get(InboxItem, inbox[0][0].id)).case_id == case.id  # type: ignore[union-attr]

    async with db.write() as s:
        await assign_case(s, organisation=city.org, case_id=case.id, staff=city.triager, assignee=city.officer)
        await start_case(s, organisation=city.org, case_id=case.id, staff=city.officer)
    clock.at = seoul(2026, 3, 4, 10, 0)
    async with db.write() as s:
        await ask_citizen(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.officer,
                          question="가로등 위치(가까운 건물)를 알려 주세요")
    assert (await _reload(db, case.id)).status == "waiting_for_citizen"
    clock.at = seoul(2026, 3, 6, 10, 0)
    async with db.write() as s:
        await record_citizen_reply(s, organisation=city.org, case_id=case.id, actor=city.citizen,
                                   note="석수동 주민센터 앞입니다")
    # Waited Thursday 5 and Friday 6 March: two working days later, Friday 13 March 18:00.
    assert (await _reload(db, case.id)).due_at == seoul(2026, 3, 13, 18, 0)

    async with db.write() as s:
        await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.officer, text=ANSWER)
    await run_jobs(db)
    case = await _reload(db, case.id)
    assert case.status == "answered"
    assert case.answer_private == ANSWER and "010-****-5678" in case.answer_public  # type: ignore[operator]
    async with db.read() as s:
        reply = await s.get(Status, case.answer_status_id)
    assert reply is not None
    assert (reply.account_id, reply.in_reply_to_id, reply.visibility) == (city.org.id, question.id, "public")
    assert "010-****-5678" in reply.text and "010-1234-5678" not in reply.text
    # The citizen's post carried a phone number: the full answer went privately.
    dms = await _dms_to(db, city)
    assert [d.text.split("]")[0] for d in dms] == ["@minsu [민원 2026-000001"] * 4  # receipt, question, answer, rating
    assert "010-1234-5678" in dms[2].text and "만족도" in dms[3].text
    mentions = [n for n in await notifications_of(db, city.citizen) if n[0] == "mention"]
    assert sorted(n[2] for n in mentions) == sorted([reply.id, *[d.id for d in dms]])

    async with db.write() as s:
        await rate_case(s, citizen=city.citizen, case_id=case.id, rating=5, comment="빨리 고쳐 주셔서 감사해요")
    case = await _reload(db, case.id)
    assert (case.rating, case.rating_comment) == (5, "빨리 고쳐 주셔서 감사해요")
    async with db.read() as s:
        events = await list_case_events(s, case_id=case.id)
    assert [(e.action, e.actor_id, e.from_status, e.to_status) for e in events] == [
        ("opened", city.triager.id, None, "received"),
        ("assign", city.triager.id, "received", "assigned"),
        ("start", city.officer.id, "assigned", "in_progress"),
        ("ask_citizen", city.officer.id, "in_progress", "waiting_for_citizen"),
        ("citizen_replied", city.citizen.id, "waiting_for_citizen", "in_progress"),
        ("answer", city.officer.id, "in_progress", "answered"),
        ("rate", city.citizen.id, "answered", "answered"),
    ]
    assert events[1].to_department_id == city.transport.id and events[1].to_assignee_id == city.officer.id

    # What anyone sees through the Mastodon API: the city's reply under the citizen's post, masked.
    with running_server(database_url) as base:
        context = httpx.get(f"{base}/api/v1/statuses/{question.id}/context").json()
    [shown] = context["descendants"]
    assert shown["account"]["acct"] == "anyanglove" and shown["in_reply_to_id"] == str(question.id)
    assert "010-****-5678" in shown["content"] and "1234" not in shown["content"]


async def test_a_direct_message_is_answered_by_direct_message(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        question = await make_status(s, city.citizen, "@anyanglove 기초연금 신청은 어디서 하나요?",
                                     visibility="direct")
    await run_jobs(db)
    async with db.write() as s:
        [(item, _)] = await list_inbox(s, organisation=city.org, staff=city.admin)
        case = await triage_to_case(s, site=SITE, organisation=city.org, item_id=item.id, staff=city.admin,
                                    kind="question_procedure", department=city.welfare)
        await assign_case(s, organisation=city.org, case_id=case.id, staff=city.welfare_officer,
                          assignee=city.welfare_officer)
        await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.welfare_officer,
                          text="가까운 행정복지센터나 국민연금공단 지사에서 신청하실 수 있습니다.")
    await run_jobs(db)
    case = await _reload(db, case.id)
    assert (case.channel, case.status) == ("direct", "answered")
    async with db.read() as s:
        answer = await s.get(Status, case.answer_status_id)
        public = list(await s.scalars(select(Status).where(Status.account_id == city.org.id,
                                                           Status.visibility != "direct")))
    assert answer is not None and (answer.visibility, answer.in_reply_to_id) == ("direct", question.id)
    assert "행정복지센터" in answer.text and public == []


async def test_a_guest_of_the_web_form_is_answered_by_e_mail(db: Database) -> None:
    city = await make_city(db)
    with smtp_server() as (url, inbox):
        mail.attach(db, Settings(smtp_url=url, contact_email="desk@anyang.example"))
        async with db.write() as s:
            case = await open_web_case(s, site=SITE, organisation=city.org, kind="suggestion",
                                       description="평촌 공원에 그늘막을 더 설치해 주세요", guest_name="김민지",
                                       guest_email="minji@example.test")
            await assign_case(s, organisation=city.org, case_id=case.id, staff=city.admin, assignee=city.admin)
            await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.admin,
                              text="다음 달까지 그늘막 세 곳을 더 설치하겠습니다.")
        await run_jobs(db)
        mails = inbox.wait_for(2)
    receipt, answer = sorted(mails, key=lambda m: "답변" in m["Subject"])
    assert [m["To"] for m in mails] == ["minji@example.test"] * 2
    assert "접수되었습니다" in Inbox.body(receipt) and "2026년 3월 20일 18:00" in Inbox.body(receipt)
    assert "2026-000001" in answer["Subject"]
    assert "그늘막 세 곳" in Inbox.body(answer) and "만족도" in Inbox.body(answer)
