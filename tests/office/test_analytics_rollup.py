"""The analytics job's daily counts, on both databases: Seoul days (a favourite at 23:30 in Seoul
counts on that day, one at 08:30 the next morning — still the previous day in UTC — on the
next), followers per day with the loss known between snapshots, link clicks from the short
links' day rows, the hours people engage, and what the pages read back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from madang.accounts import follow_account, unfollow_account
from madang.analytics.reading import account_summary, csv_rows, followers_by_server, post_days
from madang.analytics.rollup import rollup_analytics
from madang.core import clock as clock_module
from madang.core.clock import FrozenClock, set_clock
from madang.core.ids import new_id
from madang.db import Database
from madang.models import Account, ShortLink, ShortLinkDay
from madang.models.analytics import AccountDay, AccountHour, StatusDay
from madang.statuses.interactions import favourite_status, reblog_status
from tests.factories import SITE, make_account, make_status

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[FrozenClock]:
    real = clock_module.clock
    frozen = FrozenClock(seoul(2026, 2, 28, 9).astimezone(timezone.utc))
    set_clock(frozen)
    try:
        yield frozen
    finally:
        set_clock(real)


def at(clock: FrozenClock, moment: datetime) -> None:
    clock.at = moment.astimezone(timezone.utc)


async def run_until_done(db: Database, clock: FrozenClock) -> None:
    for _ in range(30):
        if not await rollup_analytics(db, now=clock.now()):
            return
    raise AssertionError("backfill never finished")


async def seed(db: Database, clock: FrozenClock) -> dict:
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        people = [await make_account(s, username=f"citizen{n}") for n in range(1, 5)]
        other_org = await make_account(s, username="gwacheon", organisation=True)
    c1, c2, c3, c4 = people
    async with db.write() as s:
        at(clock, seoul(2026, 3, 1, 10))
        await follow_account(s, account=c1, target=org)
        at(clock, seoul(2026, 3, 2, 10))
        post = await make_status(s, org, "안양천 벚꽃 축제 안내 https://anyang.example/spring")
        at(clock, seoul(2026, 3, 2, 11))
        await follow_account(s, account=c2, target=org)
        at(clock, seoul(2026, 3, 2, 12))
        await make_status(s, c1, "@anyanglove 주차는 어디에 하나요?", in_reply_to=post)
        at(clock, seoul(2026, 3, 2, 12, 30))
        await make_status(s, org, "@citizen1 안양천 둔치 주차장을 이용해 주세요.",
                          in_reply_to=post)  # the city's own reply: a post, not a reply received
        at(clock, seoul(2026, 3, 2, 23, 30))
        await favourite_status(s, account=c1, status=post)
        at(clock, seoul(2026, 3, 3, 8, 30))  # 23:30 UTC on the 2nd
        await favourite_status(s, account=c2, status=post)
        await favourite_status(s, account=org, status=post)  # its own: not received
        at(clock, seoul(2026, 3, 3, 9))
        await reblog_status(s, site=SITE, account=c3, status=post)
        at(clock, seoul(2026, 3, 3, 12))
        await follow_account(s, account=c3, target=org)
        elsewhere = await make_status(s, other_org, "과천 소식")
        link = ShortLink(code="abc123", url="https://anyang.example/spring", account_id=org.id, status_id=post.id,
                         created_at=clock.now())
        bare = ShortLink(code="abc124", url="https://anyang.example/map", account_id=None, status_id=post.id,
                         created_at=clock.now())
        theirs = ShortLink(code="abc125", url="https://gwacheon.example/", account_id=other_org.id,
                           status_id=elsewhere.id, created_at=clock.now())
        s.add_all([link, bare, theirs])
        await s.flush()
        s.add_all([ShortLinkDay(link_id=link.id, day=date(2026, 3, 2), clicks=5),
                   ShortLinkDay(link_id=link.id, day=date(2026, 3, 3), clicks=7),
                   ShortLinkDay(link_id=bare.id, day=date(2026, 3, 3), clicks=1),
                   ShortLinkDay(link_id=theirs.id, day=date(2026, 3, 3), clicks=100)])
    return {"org": org, "post": post, "people": people, "other": other_org}


async def test_days_hours_posts_and_clicks_in_seoul_days(db: Database, clock: FrozenClock) -> None:
    city = await seed(db, clock)
    org, post = city["org"], city["post"]
    at(clock, seoul(2026, 3, 3, 20))
    await run_until_done(db, clock)
    async with db.read() as s:
        days = {d.day: d for d in await s.scalars(select(AccountDay).where(AccountDay.account_id == org.id))}
        hours = {(h.day, h.hour): h.interactions for h in await s.scalars(
            select(AccountHour).where(AccountHour.account_id == org.id))}
        post_rows = {r.day: r for r in await s.scalars(select(StatusDay).where(StatusDay.status_id == post.id))}
    assert sorted(days) == [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    second, third = days[date(2026, 3, 2)], days[date(2026, 3, 3)]
    assert (second.posts, second.replies_received, second.favourites_received, second.reblogs_received) == (2, 1, 1, 0)
    assert (third.posts, third.replies_received, third.favourites_received, third.reblogs_received) == (0, 0, 1, 1)
    assert (second.link_clicks, third.link_clicks) == (5, 8)  # the other city's 100 clicks are not ours
    assert [days[d].new_followers for d in sorted(days)] == [0, 1, 1, 1]
    assert [days[d].followers for d in sorted(days)] == [0, 1, 2, 3]
    assert third.followers_estimated is False and second.followers_estimated is True
    assert hours == {(date(2026, 3, 2), 12): 1, (date(2026, 3, 2), 23): 1, (date(2026, 3, 3), 8): 1,
                     (date(2026, 3, 3), 9): 1}
    assert {d: (r.favourites, r.reblogs, r.replies, r.link_clicks) for d, r in post_rows.items()} == {
        date(2026, 3, 2): (1, 0, 1, 5), date(2026, 3, 3): (1, 1, 0, 8)}

    async with db.read() as s:
        summary = await account_summary(s, account_id=org.id, start=date(2026, 3, 1), end=date(2026, 3, 3))
        history = await post_days(s, status=post)
    assert summary.total("favourites_received") == 2 and summary.total("link_clicks") == 13
    assert (summary.followers_start, summary.followers_end, summary.growth) == (1, 3, 2)
    assert summary.hours[23] == 1 and summary.hours[8] == 1 and sum(summary.hours) == 4
    assert [p.status_id for p in summary.top_posts] == [post.id]
    top = summary.top_posts[0]
    assert (top.favourites, top.reblogs, top.replies, top.link_clicks) == (2, 1, 1, 13)
    assert (history.totals.favourites, history.totals.link_clicks) == (2, 13)
    assert csv_rows(summary)[2] == ["2026-03-03", 3, 1, 0, 0, 0, 1, 1, 8, 0, 0]


async def test_a_rerun_changes_nothing_and_losses_show_between_snapshots(db: Database, clock: FrozenClock) -> None:
    city = await seed(db, clock)
    org = city["org"]
    c1, c2, c3, c4 = city["people"]
    at(clock, seoul(2026, 3, 3, 20))
    await run_until_done(db, clock)
    await rollup_analytics(db, now=clock.now())  # again: the same rows, not doubled

    async with db.read() as s:
        before = [(d.day, d.followers, d.favourites_received) for d in await s.scalars(
            select(AccountDay).where(AccountDay.account_id == org.id).order_by(AccountDay.day))]
    assert before[-1] == (date(2026, 3, 3), 3, 1)

    async with db.write() as s:
        at(clock, seoul(2026, 3, 4, 9))
        await follow_account(s, account=c4, target=org)
        at(clock, seoul(2026, 3, 4, 9, 30))
        await unfollow_account(s, account=c3, target=org)
    at(clock, seoul(2026, 3, 4, 10))
    await rollup_analytics(db, now=clock.now())
    async with db.read() as s:
        days = {d.day: d for d in await s.scalars(select(AccountDay).where(AccountDay.account_id == org.id))}
    # Yesterday keeps its snapshot (3), though the follow that made it is gone now.
    assert days[date(2026, 3, 3)].followers == 3 and days[date(2026, 3, 3)].followers_estimated is False
    today = days[date(2026, 3, 4)]
    assert (today.followers, today.new_followers, today.lost_followers) == (3, 1, 1)


async def test_only_organisation_and_verified_accounts_are_counted(db: Database, clock: FrozenClock) -> None:
    city = await seed(db, clock)
    at(clock, seoul(2026, 3, 3, 20))
    await run_until_done(db, clock)
    async with db.read() as s:
        counted = set(await s.scalars(select(AccountDay.account_id).distinct()))
    assert counted == {city["org"].id, city["other"].id}


async def test_what_came_from_other_servers_is_counted_apart(db: Database, clock: FrozenClock) -> None:
    """Federation: followers and reactions from accounts on other servers are in the totals, and
    counted apart for the office's "from other servers" figures and the followers by server."""
    city = await seed(db, clock)
    org, post = city["org"], city["post"]
    async with db.write() as s:
        remote = []
        for n, domain in enumerate(["mastodon.example", "mastodon.example", "threads.example"]):
            account = Account(id=new_id(), username=f"fan{n}", domain=domain, acct_key=f"fan{n}@{domain}",
                              uri=f"https://{domain}/users/fan{n}", url=f"https://{domain}/@fan{n}",
                              inbox_url=f"https://{domain}/users/fan{n}/inbox", created_at=clock.now(),
                              updated_at=clock.now())
            s.add(account)
            remote.append(account)
        await s.flush()
        at(clock, seoul(2026, 3, 3, 13))
        for account in remote:
            await follow_account(s, account=account, target=org)
        await favourite_status(s, account=remote[0], status=post)
        await reblog_status(s, site=SITE, account=remote[2], status=post)
    at(clock, seoul(2026, 3, 3, 20))
    await run_until_done(db, clock)
    async with db.read() as s:
        day = await s.get(AccountDay, (org.id, date(2026, 3, 3)))
        summary = await account_summary(s, account_id=org.id, start=date(2026, 3, 1), end=date(2026, 3, 3))
        servers = await followers_by_server(s, account_id=org.id)
    assert day is not None
    assert (day.new_followers, day.remote_new_followers) == (4, 3)  # citizen3 and the three fans
    assert (day.favourites_received, day.reblogs_received, day.remote_interactions) == (2, 2, 2)
    assert summary.total("remote_new_followers") == 3 and summary.total("remote_interactions") == 2
    assert (servers.remote_followers, servers.top) == (3, [("mastodon.example", 2), ("threads.example", 1)])
    assert csv_rows(summary)[2][-2:] == [3, 2]
