"""A citizen who replies to the city's request for more information has the reply recorded on
the waiting case at once (the clock starts again); a rerun of the intake job changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.desk.inbox import list_inbox, triage_to_case
from madang.desk.transitions import ask_citizen, assign_case, start_case
from madang.models import Status
from madang.models.desk import Case, CaseEvent, InboxItem
from tests.desk.city import SITE, clock_fixture, make_city, seoul  # noqa: F401
from tests.factories import make_status, rerun_done_jobs, run_jobs


async def test_a_reply_to_the_request_moves_the_case_on(db: Database, clock: FrozenClock) -> None:
    city = await make_city(db)
    async with db.write() as s:
        await make_status(s, city.citizen, "@anyanglove 가로등이 고장났어요")
    await run_jobs(db)
    async with db.read() as s:
        (item, _), = await list_inbox(s, organisation=city.org, staff=city.reader)
    async with db.write() as s:
        case = await triage_to_case(s, site=SITE, organisation=city.org, item_id=item.id, staff=city.triager,
                                    kind="grievance")
        await assign_case(s, organisation=city.org, case_id=case.id, staff=city.triager, assignee=city.officer)
        await start_case(s, organisation=city.org, case_id=case.id, staff=city.officer)
        await ask_citizen(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.officer,
                          question="가로등 위치를 알려 주세요")
    async with db.read() as s:
        request_dm = await s.scalar(select(Status).where(
            Status.account_id == city.org.id, Status.visibility == "direct", Status.text.contains("더 알려 주세요")))
        waiting = await s.get(Case, case.id)
    assert request_dm is not None and waiting.status == "waiting_for_citizen"  # type: ignore[union-attr]
    due_before = waiting.due_at  # type: ignore[union-attr]

    clock.at = seoul(2026, 3, 5, 10, 0)  # two days later
    async with db.write() as s:
        reply = await make_status(s, city.citizen, "@anyanglove 시청 앞 버스정류장 옆이에요. 010-1234-5678",
                                  visibility="direct", in_reply_to=request_dm)
    await run_jobs(db)
    await rerun_done_jobs(db)
    async with db.read() as s:
        moved = await s.get(Case, case.id)
        events = list(await s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                              CaseEvent.action == "citizen_replied")))
        item = await s.scalar(select(InboxItem).where(InboxItem.source_status_id == reply.id))
        untriaged = await list_inbox(s, organisation=city.org, staff=city.reader)
    assert moved.status == "in_progress" and moved.due_at > due_before  # type: ignore[union-attr]
    assert len(events) == 1 and events[0].actor_id == city.citizen.id
    assert events[0].note.startswith("시민 답글: ") and "버스정류장" in events[0].note
    assert "010-1234-5678" not in events[0].note and "010-****-5678" in events[0].note
    assert item is not None and item.state == "case" and item.case_id == case.id
    assert untriaged == []  # nothing left for a person to connect by hand
