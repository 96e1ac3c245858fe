"""Trends from real posts on both databases: the job's counts, ranking, history and schedule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from madang import trends
from madang.core.clock import Clock, FrozenClock, set_clock
from madang.db import Database
from madang.models import Job
from madang.statuses.delete import delete_status
from madang.statuses.interactions import favourite_status, reblog_status
from tests.factories import (
    SITE,
    follow,
    make_account,
    make_status,
    rerun_done_jobs,
    run_jobs,
)

# Noon in Seoul on 10 March 2026.
NOON = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
SEOUL_MIDNIGHT = datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(NOON)
    set_clock(clock)
    yield clock
    set_clock(Clock())


async def _refresh(db: Database) -> None:
    async with db.write() as s:
        await trends.schedule_trends_refresh(s)
    await run_jobs(db)


async def _trending(db: Database) -> list[str]:
    async with db.read() as s:
        return [t.name for t in await trends.list_trending_tags(s, offset=0, limit=20)]


async def _history(db: Database, name: str) -> list[tuple[str, int, int]]:
    async with db.read() as s:
        from madang.timelines.queries import find_tag

        tag = await find_tag(s, name)
        assert tag is not None
        days = (await trends.tag_histories(s, [tag.id], now=NOON, time_zone="Asia/Seoul"))[tag.id]
    return [(d.day, d.uses, d.accounts) for d in days]


async def test_tags_trend_by_distinct_accounts(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        a, b, c, loner = [await make_account(s, username=n) for n in ("alice", "bora", "chul", "loner")]
        frozen.advance(days=-5)
        await make_status(s, a, "오래전 #서울 이야기")
        frozen.at = NOON
        for who in (a, b, c):
            await make_status(s, who, "여의도 #벚꽃 활짝")
        for who in (a, b):
            await make_status(s, who, "오늘도 #서울")
        for n in range(10):  # ten posts by one account: one account
            await make_status(s, loner, f"#혼자 외침 {n}")
        await make_status(s, loner, "팔로워에게만 #벚꽃", visibility="private")
        gone = await make_status(s, loner, "지울 #벚꽃")
        await delete_status(s, actor=loner, status=gone)
    await _refresh(db)

    # 벚꽃: 3 accounts against a quiet week beats 서울: 2 accounts, used before; 혼자 never trends.
    assert await _trending(db) == ["벚꽃", "서울"]
    history = await _history(db, "혼자")
    assert len(history) == 7
    assert history[0] == (str(int(SEOUL_MIDNIGHT.timestamp())), 10, 1)
    assert [int(day) for day, _, _ in history] == sorted((int(day) for day, _, _ in history), reverse=True)
    assert int(history[0][0]) - int(history[1][0]) == 86400
    # Private and deleted posts are not counted; the post of five days ago is in its day.
    assert (await _history(db, "벚꽃"))[0][1:] == (3, 3)
    assert [(u, n) for _, u, n in await _history(db, "서울")] == [(2, 2), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (0, 0)]


async def test_a_trend_fades_the_next_days(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        people = [await make_account(s, username=f"fan{n}") for n in range(4)]
        for who in people:
            await make_status(s, who, "#한강 불꽃놀이")
    await _refresh(db)
    assert await _trending(db) == ["한강"]
    frozen.advance(days=1)  # yesterday's four count half: 2 > 1
    await _refresh(db)
    assert await _trending(db) == ["한강"]
    frozen.advance(days=1)
    await _refresh(db)
    assert await _trending(db) == []


async def test_refresh_reschedules_itself_once(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        assert await trends.schedule_trends_refresh(s) is True
    async with db.write() as s:
        assert await trends.schedule_trends_refresh(s) is False  # the chain runs already
    await run_jobs(db)
    await rerun_done_jobs(db)  # a run repeated after a crash does not start a second chain

    async with db.read() as s:
        pending = list(await s.scalars(select(Job).where(Job.name == trends.REFRESH_JOB, Job.state == "pending")))
    assert len(pending) == 1
    assert pending[0].run_at == NOON.replace(minute=10)
    frozen.advance(minutes=10)
    await run_jobs(db)
    async with db.read() as s:
        count = await s.scalar(select(func.count()).select_from(Job).where(
            Job.name == trends.REFRESH_JOB, Job.state == "pending"))
    assert count == 1


async def test_statuses_trend_by_distinct_people_engaging(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        a, b, c, d = [await make_account(s, username=n) for n in ("sua", "minji", "jun", "hana")]
        hit = await make_status(s, a, "안양천 노을 사진")
        quiet = await make_status(s, b, "점심 뭐 먹지")
        hidden = await make_status(s, c, "팔로워 전용", visibility="private")
        for who in (b, c, d):
            await favourite_status(s, account=who, status=hit)
        await reblog_status(s, site=SITE, account=d, status=hit)
        await make_status(s, b, "멋져요", in_reply_to=hit)
        # One person liking and the author replying: one account besides the author.
        await favourite_status(s, account=a, status=quiet)
        await favourite_status(s, account=b, status=quiet)
        await make_status(s, b, "혼잣말", in_reply_to=quiet)
        for who in (a, b, d):  # followers may like it; it is still not for the trends
            await follow(s, who, c)
            await favourite_status(s, account=who, status=hidden)
        older = await make_status(s, d, "두 사람이 좋아한 글")
    async with db.write() as s:
        for who in (a, b):
            await favourite_status(s, account=who, status=older)
    await _refresh(db)
    async with db.read() as s:
        rows = await trends.list_trending_statuses(s, viewer_id=None, offset=0, limit=20)
        assert [r.id for r in rows] == [hit.id, older.id]
        assert [r.id for r in await trends.list_trending_statuses(s, viewer_id=a.id, offset=1, limit=1)] == [older.id]

    frozen.advance(hours=49)  # out of the window
    await _refresh(db)
    async with db.read() as s:
        assert await trends.list_trending_statuses(s, viewer_id=None, offset=0, limit=20) == []
