"""Drafts: sent back with a note, edited with the old text kept, scheduled as the organisation's
scheduled status and published by the job at its time (once), moved and cancelled on the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.core.errors import Conflict, Forbidden, Invalid
from madang.db import Database
from madang.models import Status
from madang.models.office import OfficeDraft, OfficeDraftEvent, OfficePost
from madang.models.scheduled import ScheduledStatus
from madang.office.calendar import month_calendar
from madang.office.drafts import (
    approve_draft, cancel_draft, create_draft, edit_draft, publish_draft, reschedule_draft, return_draft, submit_draft,
)
from madang.office.queries import list_drafts
from madang.scheduling.manage import list_scheduled_statuses
from madang.db.paging import Page
from tests.desk.city import clock_fixture, seoul  # noqa: F401
from tests.factories import SITE, make_status, rerun_done_jobs, run_jobs
from tests.office.test_publishing import count, make_office


async def history(db: Database, draft_id: int) -> list[tuple[str, str | None, str | None, str]]:
    async with db.read() as s:
        rows = await s.scalars(select(OfficeDraftEvent).where(OfficeDraftEvent.draft_id == draft_id)
                               .order_by(OfficeDraftEvent.id))
        return [(e.action, e.to_state, e.old_text, e.note) for e in rows]


async def test_sent_back_with_a_note_edited_and_approved(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db, approval=True)
    org = office.city.org
    async with db.write() as s:
        draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text="복지관 개관 안내",
                                   category="welfare")
        await submit_draft(s, draft_id=draft.id, staff=office.publisher)
    with pytest.raises(Invalid, match="까닭"):
        async with db.write() as s:
            await return_draft(s, draft_id=draft.id, staff=office.approver, note="  ")
    async with db.write() as s:
        await return_draft(s, draft_id=draft.id, staff=office.approver, note="개관 시각을 넣어 주세요")
        waiting = await list_drafts(s, organisation=org, staff=office.approver, tab="waiting")
        returned = await list_drafts(s, organisation=org, staff=office.publisher, tab="returned")
    assert waiting == [] and [d.id for d, _ in returned] == [draft.id]
    with pytest.raises(Forbidden):  # not the author's, and not waiting for approval
        async with db.write() as s:
            await edit_draft(s, site=SITE, draft_id=draft.id, staff=office.approver, text="승인자가 고친 글")
    async with db.write() as s:
        await edit_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher, text="복지관 개관 안내 (오전 10시)",
                         category="welfare")
        await submit_draft(s, draft_id=draft.id, staff=office.publisher)
        await edit_draft(s, site=SITE, draft_id=draft.id, staff=office.approver,
                         text="비산동 복지관 개관 안내 (오전 10시)", category="welfare")
        await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.approver)
    assert await history(db, draft.id) == [
        ("created", "draft", None, ""),
        ("submitted", "submitted", None, ""),
        ("returned", "returned", None, "개관 시각을 넣어 주세요"),
        ("edited", "returned", "복지관 개관 안내", ""),
        ("submitted", "submitted", None, ""),
        ("edited", "submitted", "복지관 개관 안내 (오전 10시)", ""),
        ("approved", "approved", None, ""),
        ("published", "published", None, ""),
    ]
    async with db.read() as s:
        status = await s.scalar(select(Status).where(Status.account_id == org.id))
        assert status is not None and status.text == "비산동 복지관 개관 안내 (오전 10시)"
    with pytest.raises(Conflict):  # published: nothing more to edit
        async with db.write() as s:
            await edit_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher, text="고침")


async def test_a_scheduled_draft_is_published_once_at_its_time(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    at = seoul(2026, 3, 5, 18, 0)
    async with db.write() as s:
        draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher,
                                   text="금요일 동네 장터 안내", category="neighbourhood", scheduled_at=at)
        await publish_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    async with db.read() as s:
        # The organisation's own Mastodon app lists it among its scheduled statuses.
        rows = await list_scheduled_statuses(s, account_id=org.id, page=Page(limit=20))
        assert [(r.params["text"], r.scheduled_at) for r in rows] == [("금요일 동네 장터 안내", at)]
        month = await month_calendar(s, organisation=org, staff=office.reader, first=date(2026, 3, 1),
                                     time_zone="Asia/Seoul")
        assert [(e.at, e.kind, e.category, e.author.username) for e in month.entries()] == [  # type: ignore[union-attr]
            (at, "scheduled", "neighbourhood", "dongwook_seo")]
        assert [d.day.day for w in month.weeks for d in w if d and d.entries] == [5]
    clock.advance(days=2, hours=7, minutes=59)
    await run_jobs(db)
    assert await count(db, Status) == 0
    clock.advance(minutes=1)
    await run_jobs(db)
    await rerun_done_jobs(db)
    async with db.read() as s:
        statuses = list(await s.scalars(select(Status).where(Status.account_id == org.id)))
        assert [st.text for st in statuses] == ["금요일 동네 장터 안내"]
        record = await s.get(OfficePost, statuses[0].id)
        assert record is not None and record.account_id == office.publisher.id and record.draft_id == draft.id
        refreshed = await s.get(OfficeDraft, draft.id)
        assert refreshed is not None and (refreshed.state, refreshed.status_id) == ("published", statuses[0].id)
        month = await month_calendar(s, organisation=org, staff=office.reader, first=date(2026, 3, 1),
                                     time_zone="Asia/Seoul")
        assert [(e.kind, e.status_id) for e in month.entries()] == [("published", statuses[0].id)]
    assert [a for a, *_ in await history(db, draft.id)] == ["created", "scheduled", "published"]


async def test_moved_and_cancelled_on_the_calendar(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db, approval=True)
    org = office.city.org
    async with db.write() as s:
        drafts = []
        for text in ("교통 통제 안내", "취소될 행사 안내"):
            draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text=text,
                                       category="transport", scheduled_at=seoul(2026, 3, 4, 9, 0))
            await submit_draft(s, draft_id=draft.id, staff=office.publisher)
            await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.approver)
            drafts.append(draft)
        moved, cancelled = drafts
    with pytest.raises(Forbidden):  # someone without the write right
        async with db.write() as s:
            await cancel_draft(s, draft_id=cancelled.id, staff=office.responder)
    with pytest.raises(Invalid, match="future"):
        async with db.write() as s:
            await reschedule_draft(s, draft_id=moved.id, staff=office.publisher, scheduled_at=seoul(2026, 3, 3, 10, 2))
    async with db.write() as s:
        await reschedule_draft(s, draft_id=moved.id, staff=office.publisher, scheduled_at=seoul(2026, 3, 10, 9, 0))
        await cancel_draft(s, draft_id=cancelled.id, staff=office.approver, note="행사 취소")
    async with db.read() as s:
        assert len(list(await s.scalars(select(ScheduledStatus)))) == 1
        march = await month_calendar(s, organisation=org, staff=office.reader, first=date(2026, 3, 1),
                                     time_zone="Asia/Seoul")
        assert [(e.at, e.text) for e in march.entries()] == [(seoul(2026, 3, 10, 9, 0), "교통 통제 안내")]
    clock.advance(days=2)
    await run_jobs(db)
    assert await count(db, Status) == 0  # neither the old time nor the cancelled one posts
    clock.advance(days=6)
    await run_jobs(db)
    async with db.read() as s:
        assert list(await s.scalars(select(Status.text))) == ["교통 통제 안내"]
        record = await s.scalar(select(OfficePost))
        assert record is not None and record.approved_by_id == office.approver.id
        assert (await s.get(OfficeDraft, cancelled.id)).state == "cancelled"  # type: ignore[union-attr]


async def test_a_scheduled_reply_whose_post_was_deleted_is_dropped(db: Database, clock: FrozenClock) -> None:
    from madang.statuses.delete import delete_status

    office = await make_office(db)
    org = office.city.org
    async with db.write() as s:
        question = await make_status(s, office.city.citizen, "@anyanglove 축제 언제 해요?")
        draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text="@minsu 다음 주입니다",
                                   in_reply_to_id=question.id, scheduled_at=clock.at + timedelta(hours=1))
        await publish_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    async with db.write() as s:
        await delete_status(s, actor=office.city.citizen, status=await s.get(Status, question.id))
    clock.advance(hours=1)
    await run_jobs(db)
    async with db.read() as s:
        assert (await s.get(OfficeDraft, draft.id)).state == "cancelled"  # type: ignore[union-attr]
        assert list(await s.scalars(select(Status.id).where(Status.account_id == org.id))) == []
    assert [a for a, *_ in await history(db, draft.id)][-1] == "dropped"
