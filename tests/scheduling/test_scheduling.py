"""Scheduled statuses: kept until their time, published once by the job, never after a cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.core.errors import Invalid
from madang.db import Database
from madang.models import Job, Poll, Status
from madang.models.scheduled import ScheduledStatus
from madang.scheduling.manage import cancel_scheduled_status, reschedule_status, schedule_status
from madang.scheduling.rules import parse_scheduled_at
from madang.statuses.polls import PollSpec
from tests.factories import SITE, make_account, rerun_done_jobs, run_jobs


async def _statuses(db: Database) -> list[tuple[str, str]]:
    async with db.read() as s:
        return [tuple(r) for r in await s.execute(select(Status.text, Status.visibility).order_by(Status.id))]  # type: ignore[misc]


async def test_published_once_when_its_time_comes(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        row = await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + timedelta(hours=1),
                                    text="내일 아침 안양천 정비 작업 안내", visibility="unlisted",
                                    poll=PollSpec(options=("참석", "불참"), expires_in=3600))
    await run_jobs(db)
    assert await _statuses(db) == []  # nothing before its time
    frozen.advance(minutes=59, seconds=55)
    await run_jobs(db)
    assert await _statuses(db) == []
    frozen.advance(seconds=5)
    await run_jobs(db)
    await rerun_done_jobs(db)  # the job run again (a crash before recording it) posts nothing more
    assert await _statuses(db) == [("내일 아침 안양천 정비 작업 안내", "unlisted")]
    async with db.read() as s:
        assert await s.get(ScheduledStatus, row.id) is None
        poll = await s.scalar(select(Poll))
        assert poll is not None and poll.expires_at == frozen.at + timedelta(hours=1)


async def test_cancelled_is_never_published(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        row = await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + timedelta(hours=1),
                                    text="취소될 글")
    async with db.write() as s:
        await cancel_scheduled_status(s, row=await s.get(ScheduledStatus, row.id))
    frozen.advance(hours=2)
    await run_jobs(db)
    assert await _statuses(db) == []


async def test_rescheduled_publishes_at_the_new_time_only(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        row = await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + timedelta(hours=1),
                                    text="미뤄진 공지")
    async with db.write() as s:
        await reschedule_status(s, row=await s.get(ScheduledStatus, row.id),
                                scheduled_at=frozen.at + timedelta(hours=3))
    frozen.advance(hours=1, seconds=1)
    await run_jobs(db)  # the first time's job finds another version and does nothing
    assert await _statuses(db) == []
    frozen.advance(hours=2)
    await run_jobs(db)
    await rerun_done_jobs(db)
    assert await _statuses(db) == [("미뤄진 공지", "public")]
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Job).where(Job.name == "scheduling.publish")) == 2


@pytest.mark.parametrize("offset", [timedelta(minutes=4, seconds=59), timedelta(minutes=5), timedelta(hours=-1)])
async def test_too_soon_is_refused(db: Database, frozen: FrozenClock, offset: timedelta) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
    with pytest.raises(Invalid, match="must be in the future"):
        async with db.write() as s:
            await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + offset, text="급한 글")
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(ScheduledStatus)) == 0


async def test_bad_content_is_refused_when_scheduled(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
    later = frozen.at + timedelta(hours=1)
    for fields, message in [({"text": "가" * 141}, "character limit"), ({"text": " "}, "blank"),
                            ({"text": "글", "visibility": "everyone"}, "Visibility"),
                            ({"text": "글", "poll": PollSpec(options=("하나",), expires_in=600)}, "more than one")]:
        with pytest.raises(Invalid, match=message):
            async with db.write() as s:
                await schedule_status(s, site=SITE, author=city, scheduled_at=later, **fields)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(ScheduledStatus)) == 0


async def test_daily_limit(db: Database, frozen: FrozenClock) -> None:
    """As Mastodon: at most 25 scheduled for one day (300 in all)."""
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        day = frozen.at.replace(hour=0) + timedelta(days=2)
        for i in range(25):
            await schedule_status(s, site=SITE, author=city, scheduled_at=day + timedelta(minutes=i), text=f"공지 {i}")
        with pytest.raises(Invalid, match="limit of 25"):
            await schedule_status(s, site=SITE, author=city, scheduled_at=day + timedelta(hours=5), text="하나 더")
        await schedule_status(s, site=SITE, author=city, scheduled_at=day + timedelta(days=1), text="다음 날")


def test_scheduled_at_parsing() -> None:
    assert parse_scheduled_at("2026-06-03T10:00:00.000Z").isoformat() == "2026-06-03T10:00:00+00:00"
    assert parse_scheduled_at("2026-06-03T19:00:00+09:00").isoformat() == "2026-06-03T10:00:00+00:00"
    for bad in ("내일", "", "2026-13-01T00:00:00Z", None, 5):
        with pytest.raises(Invalid, match="not a valid date"):
            parse_scheduled_at(bad)


async def test_reply_to_a_post_deleted_meanwhile_is_dropped(db: Database, frozen: FrozenClock) -> None:
    """As Mastodon: what no longer holds at its time is dropped, not retried forever."""
    from madang.statuses.delete import delete_status
    from tests.factories import failed_jobs, make_status

    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        question = await make_status(s, minji, "주차장 있나요?")
        await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + timedelta(hours=1),
                              text="네, 있습니다", in_reply_to_id=question.id)
    async with db.write() as s:
        await delete_status(s, actor=await s.get(type(minji), minji.id), status=await s.get(Status, question.id))
    frozen.advance(hours=1)
    await run_jobs(db)
    assert await failed_jobs(db) == 0
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(ScheduledStatus)) == 0
        assert list(await s.scalars(select(Status.text).where(Status.account_id == city.id))) == []
