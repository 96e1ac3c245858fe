"""Short links: made for an organisation with a checked URL, clicks counted per Seoul day by an
upsert that keeps every one of many concurrent clicks, long links in a post replaced, and the
clicks read back per link, per day and per post."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, inspect, select

from madang import links
from madang.core.errors import Invalid, NotFound
from madang.db import Database
from madang.models import Account, Status
from madang.models.short_links import ShortLink, ShortLinkDay
from madang.text.counting import count_characters
from tests.factories import SITE, make_account, make_status

LONG = "https://www.anyang.go.kr/main/selectBbsNttView.do?key=1234&bbsNo=56&nttNo=789012&searchCtgry=&pageIndex=1"
DAY = date(2026, 3, 3)


async def _org(db: Database) -> tuple[Account, Account]:
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        staff = await make_account(s, username="seojin_park")
    return org, staff


async def _count(db: Database, model: type) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)))


async def test_a_short_links_clicks_are_counted_per_day(db: Database) -> None:
    org, staff = await _org(db)
    async with db.write() as s:
        link = await links.create_short_link(s, url=LONG, account_id=org.id, created_by_id=staff.id)
    assert len(link.code) == links.CODE_LENGTH and link.code.isalnum()

    for day, clicks in ((DAY, 3), (date(2026, 3, 4), 1)):
        for _ in range(clicks):
            async with db.write() as s:
                assert await links.record_click(s, code=link.code, day=day) == LONG
    async with db.read() as s:
        assert await links.clicks_by_day(s, link_ids=[link.id], start=DAY, end=date(2026, 3, 31)) == {
            link.id: {DAY: 3, date(2026, 3, 4): 1}}
        assert await links.clicks_by_day(s, link_ids=[link.id], start=date(2026, 3, 4), end=date(2026, 3, 4)) == {
            link.id: {date(2026, 3, 4): 1}}
        listed = await links.list_links(s, account_id=org.id, today=date(2026, 3, 4))
    assert [(x.link.code, x.total, x.last_7_days, x.last_30_days) for x in listed] == [(link.code, 4, 4, 4)]
    async with db.read() as s:
        # Five weeks on, the clicks fall out of the last 7 and 30 days but stay in the total.
        later = await links.list_links(s, account_id=org.id, today=date(2026, 4, 8))
    assert (later[0].total, later[0].last_7_days, later[0].last_30_days) == (4, 0, 0)


async def test_concurrent_clicks_on_a_new_day_all_count(db: Database) -> None:
    org, staff = await _org(db)
    async with db.write() as s:
        link = await links.create_short_link(s, url=LONG, account_id=org.id, created_by_id=staff.id)

    async def click() -> None:
        async with db.write() as s:
            await links.record_click(s, code=link.code, day=DAY)

    # Twenty units at once: on PostgreSQL they race for the day's first row (the upsert waits
    # instead of failing); on SQLite the single writer takes them in turn.
    await asyncio.gather(*(click() for _ in range(20)))
    async with db.read() as s:
        assert await s.scalar(select(ShortLinkDay.clicks).where(ShortLinkDay.link_id == link.id)) == 20


async def test_an_unknown_code_is_not_found_and_counts_nothing(db: Database) -> None:
    await _org(db)
    for code in ("nope123", "", "../../etc", "a" * 40, "코드"):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await links.record_click(s, code=code, day=DAY)
    assert await _count(db, ShortLinkDay) == 0


@pytest.mark.parametrize("url", [
    "", "   ", "ftp://anyang.go.kr/a", "javascript:alert(1)", "anyang.go.kr/bus", "https://", "http:///x",
    "https://anyang.go.kr/a b", "https://anyang.go.kr:99999/", "https://anyang.go.kr/" + "a" * 2000,
])
async def test_a_bad_url_is_refused_and_writes_nothing(db: Database, url: str) -> None:
    org, staff = await _org(db)
    with pytest.raises(Invalid) as refused:
        async with db.write() as s:
            await links.create_short_link(s, url=url, account_id=org.id, created_by_id=staff.id)
    assert refused.value.field == "url"
    assert await _count(db, ShortLink) == 0


async def test_each_link_made_is_new_even_for_the_same_url(db: Database) -> None:
    org, staff = await _org(db)
    async with db.write() as s:
        first = await links.create_short_link(s, url=LONG, account_id=org.id, created_by_id=staff.id)
        second = await links.create_short_link(s, url=LONG, account_id=org.id, created_by_id=staff.id)
    assert first.code != second.code and first.id != second.id


async def test_long_links_in_a_post_become_short_links_counted_per_post(db: Database) -> None:
    org, staff = await _org(db)
    text = f"벚꽃 축제: {LONG} 교통 통제: {LONG}#traffic 다시 {LONG} 시청 https://anyang.go.kr"
    async with db.write() as s:
        new_text, made = await links.shorten_links_in_text(s, text=text, account_id=org.id, created_by_id=staff.id,
                                                           base_url=SITE.base_url)
        status = await make_status(s, org, new_text)
        await links.attach_links_to_status(s, made, status.id)
    # The same URL twice is one link; another URL (with a fragment) is another.
    assert len(made) == 2
    first, second = made
    assert first.url == LONG and second.url == LONG + "#traffic"
    assert new_text == (f"벚꽃 축제: https://madang.test/s/{first.code} 교통 통제: https://madang.test/s/{second.code} "
                        f"다시 https://madang.test/s/{first.code} 시청 https://anyang.go.kr")
    # A link still counts 23 characters: shortening changes nothing of the post's length.
    assert count_characters(new_text) == count_characters(text)
    # Already short, or already ours: left alone.
    async with db.write() as s:
        again, none = await links.shorten_links_in_text(s, text=new_text, account_id=org.id,
                                                        created_by_id=staff.id, base_url=SITE.base_url)
    assert again == new_text and none == []

    async with db.write() as s:
        other = await make_status(s, org, "다른 글")
        for code, clicks in ((first.code, 2), (second.code, 3)):
            for _ in range(clicks):
                await links.record_click(s, code=code, day=DAY)
    async with db.read() as s:
        assert await links.clicks_per_status(s, status_ids=[status.id, other.id]) == {status.id: 5}
        assert await links.clicks_per_status(s, status_ids=[status.id], start=date(2026, 3, 4)) == {}
        stored = await s.get(ShortLink, first.id)
        assert stored is not None and stored.status_id == status.id and stored.account_id == org.id
        assert (await s.get(Status, status.id)).text == new_text  # type: ignore[union-attr]


async def test_every_link_can_be_shortened_on_request(db: Database) -> None:
    org, staff = await _org(db)
    async with db.write() as s:
        new_text, made = await links.shorten_links_in_text(s, text="시청 https://anyang.go.kr", account_id=org.id,
                                                           created_by_id=staff.id, base_url=SITE.base_url,
                                                           min_length=0)
    assert [m.url for m in made] == ["https://anyang.go.kr"] and new_text == f"시청 https://madang.test/s/{made[0].code}"


async def test_nothing_personal_is_stored_about_a_click(db: Database) -> None:
    def columns(connection) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
        inspector = inspect(connection)
        return {t: sorted(c["name"] for c in inspector.get_columns(t)) for t in ("short_links", "short_link_days")}

    async with db.reader.connect() as connection:
        found = await connection.run_sync(columns)
    assert found == {"short_links": ["account_id", "code", "created_at", "created_by_id", "id", "status_id", "url"],
                     "short_link_days": ["clicks", "day", "link_id"]}


def test_a_clicks_day_is_the_day_in_seoul() -> None:
    # 15:30 UTC on 3 March is already 4 March in Seoul.
    assert links.day_of(datetime(2026, 3, 3, 15, 30, tzinfo=timezone.utc)) == date(2026, 3, 4)
