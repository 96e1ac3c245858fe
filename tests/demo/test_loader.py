"""Loading the demo city through the real use cases, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from madang.core.settings import Settings
from madang.db.paging import Page
from madang.demo.city import CITY, CITY_USERNAME, MAYOR_USERNAME
from madang.demo.loader import SEOUL, is_empty, load_demo
from madang.models import Account, Follow, Job, Notification, Status
from madang.statuses.queries import AccountStatusFilter, list_account_statuses
from madang.timelines.queries import list_home_timeline, list_tag_timeline
from madang.app import register_jobs
from tests.factories import failed_jobs

# 23:30 on 20 July 2010 in Seoul: the demo's "today" is that Seoul date.
TODAY = datetime(2010, 7, 20, 14, 30, tzinfo=timezone.utc)


async def by_username(session, username: str) -> Account:  # type: ignore[no-untyped-def]
    return await session.scalar(select(Account).where(Account.acct_key == username))


async def totals(db) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return tuple([int(await s.scalar(select(func.count()).select_from(m)))  # type: ignore[return-value]
                      for m in (Account, Status, Follow, Job)])


async def test_load_demo(db):
    register_jobs()
    settings = Settings(database_url=db.url, host="127.0.0.1", port=8000)
    loaded = []
    for _ in range(2):  # the second load is guarded away, as `madang demo` does
        if await is_empty(db):
            await load_demo(db, settings, today=TODAY)
        loaded.append(await totals(db))
    assert loaded[0] == loaded[1] and loaded[0][0] == len(CITY.accounts)
    assert await failed_jobs(db) == 0

    async with db.read() as s:
        city = await by_username(s, CITY_USERNAME)
        mayor = await by_username(s, MAYOR_USERNAME)
        assert city.organisation and city.verified_at is not None
        seoul_today = TODAY.astimezone(SEOUL).date()
        assert mayor.last_status_at == seoul_today - timedelta(days=41)

        citizens = [a.username for a in CITY.accounts if a.username not in (CITY_USERNAME, MAYOR_USERNAME)]
        followers = set(await s.scalars(select(Account.username).join(Follow, Follow.account_id == Account.id)
                                        .where(Follow.target_account_id == city.id)))
        assert len(followers & set(citizens)) > len(citizens) / 2
        assert city.followers_count == len(followers)

        posts = await list_account_statuses(s, account=city, viewer_id=None, page=Page(limit=40),
                                            filters=AccountStatusFilter(exclude_reblogs=True))
        home = await list_home_timeline(s, viewer_id=city.id, page=Page(limit=40))
        for listing in (posts, home):
            assert any("이영표" in p.text and "#anyang" in p.text for p in listing)
        tagged = await list_tag_timeline(s, tag_names=["Anyang"], viewer_id=None, page=Page(limit=40))
        assert any("이영표" in p.text and p.account_id == city.id for p in tagged)

        asked = await s.scalar(select(Status).where(Status.text.contains("문의@anyanglove")))
        mention = await s.scalar(select(Notification).where(
            Notification.account_id == city.id, Notification.type == "mention", Notification.status_id == asked.id))
        assert mention is not None and mention.from_account_id == asked.account_id
