"""Loading the demo city through the real use cases, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from madang.core.settings import Settings
from madang.db.paging import Page
from madang.demo.city import CITY, CITY_USERNAME, MAYOR_USERNAME
from madang.demo.loader import SEOUL, is_empty, load_demo
from madang.models import Account, Follow, Job, MediaAttachment, Notification, Status, User
from madang.models.desk import StaffMember
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


async def test_load_demo(db, tmp_path):
    register_jobs()
    settings = Settings(database_url=db.url, host="127.0.0.1", port=8000, media_path=tmp_path)
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

        # The city's avatar and the visit's photo went through the media pipeline into the store.
        assert city.avatar_path and (tmp_path / city.avatar_path).is_file()
        photo_post = await s.scalar(select(Status).where(Status.text.contains("사진 올려요")))
        [photo] = await s.scalars(select(MediaAttachment).where(MediaAttachment.status_id == photo_post.id))
        assert photo.description and (tmp_path / photo.file_key).is_file() and photo.width > 0

        # The staff the README lists, and the instance admin.
        roles = dict((await s.execute(select(Account.username, StaffMember.role).join(
            StaffMember, StaffMember.account_id == Account.id))).all())
        assert roles == {"dongwook_seo": "triager", "seojin_park": "officer", "jiyoung_choi": "office_admin"}
        admins = set(await s.scalars(select(Account.username).join(User, User.account_id == Account.id)
                                     .where(User.admin.is_(True))))
        assert admins == {"sysop_jung"}

        # July: the story's own summer texts.
        assert await s.scalar(select(Status.id).where(Status.text.contains("폭염주의보")))


SUMMER_WORDS = ("폭염", "장맛비", "물놀이", "여름", "더위", "무더위")


async def test_in_december_no_post_is_about_the_summer(sqlite_url, tmp_path):
    """Loaded in winter, every post lands in late autumn or winter and says what fits its day."""
    from madang.db import Database

    register_jobs()
    db = Database(sqlite_url)
    try:
        settings = Settings(database_url=sqlite_url, host="127.0.0.1", port=8000, media_path=tmp_path)
        await load_demo(db, settings, today=datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc))
        async with db.read() as s:
            posts = list(await s.scalars(select(Status).where(Status.reblog_of_id.is_(None))))
        assert len(posts) == len(CITY.posts)
        for post in posts:
            assert not any(w in post.text for w in SUMMER_WORDS), post.text
        texts = {p.text for p in posts}
        [weather] = [p for p in CITY.posts if p.key == "weather-3"]  # this morning's forecast
        assert dict(weather.seasons)["winter"] in texts
    finally:
        await db.dispose()


async def test_the_demo_city_publishes_its_phone_number_so_answers_keep_it(db, tmp_path):
    from madang.desk.public_text import public_text

    register_jobs()
    await load_demo(db, Settings(database_url=db.url, host="127.0.0.1", port=8000, media_path=tmp_path),
                    today=TODAY)
    async with db.read() as s:
        city = await by_username(s, CITY_USERNAME)
        said = await public_text(s, organisation_id=city.id, text="문의: 031-8045-0000, 제 번호 010-1234-5678")
    assert "031-8045-0000" in said and "010-1234-5678" not in said
