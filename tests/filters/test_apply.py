"""The filter rule on real rows (SQLite and PostgreSQL): contexts, actions, expiry, privacy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from madang import filters
from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from madang.core.errors import Invalid, NotFound
from madang.db.inline import InlineSession
from madang.filters import KeywordChange
from madang.statuses.interactions import reblog_status
from madang.statuses.views import load_status_views
from tests.factories import SITE, make_account, make_status


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    filters.cache.clear()
    yield
    filters.cache.clear()


async def _page(db, viewer_id, statuses, context):  # type: ignore[no-untyped-def]
    async with db.read() as s:
        views = await load_status_views(s, statuses, viewer_id)
        active = await filters.filters_for(s, viewer_id, context)
    kept, results = filters.apply_filters(active, views, viewer_id)
    return [v.status.id for v in kept], results


async def test_warn_hide_and_contexts(db) -> None:
    async with db.write() as s:
        me = await make_account(s, username="reader")
        city = await make_account(s, username="city")
        here = await make_status(s, city, "안양에서 축제가 열립니다")
        lot = await make_status(s, city, "parking lot is full")
        park = await make_status(s, city, "Central Park 산책")
        mine = await make_status(s, me, "안양에서 내가 쓴 글")
        boost = await reblog_status(s, site=SITE, account=city, status=here)
        await filters.create_filter(s, owner_id=me.id, title="동네", context=["home", "thread"], action="hide",
                                    keywords=[KeywordChange(keyword="안양")])
        warn = await filters.create_filter(s, owner_id=me.id, title="공원", context=["home", "public"],
                                           keywords=[KeywordChange(keyword="park", whole_word=True)])
    statuses = [here, lot, park, mine, boost]
    shown, results = await _page(db, me.id, statuses, "home")
    # 안양 hides the post and its boost; the reader's own post stays; park warns, parking does not.
    assert shown == [lot.id, park.id, mine.id]
    assert list(results) == [park.id]
    (match,) = results[park.id]
    assert (match.filter.id, match.keyword_matches, match.status_matches) == (warn.filter.id, ["park"], None)

    shown, results = await _page(db, me.id, statuses, "public")  # the hide filter does not name public
    assert shown == [s.id for s in statuses]
    assert set(results) == {park.id}
    shown, results = await _page(db, me.id, statuses, "account")  # neither names account
    assert shown == [s.id for s in statuses] and results == {}
    shown, _ = await _page(db, None, statuses, "home")  # nobody signed in: nothing applies
    assert shown == [s.id for s in statuses]


async def test_status_filter_matches_the_post_and_its_boosts(db) -> None:
    async with db.write() as s:
        me = await make_account(s, username="reader")
        city = await make_account(s, username="city")
        post = await make_status(s, city, "평범한 글")
        boost = await reblog_status(s, site=SITE, account=city, status=post)
        made = await filters.create_filter(s, owner_id=me.id, title="이 글", context=["home"])
        await filters.add_filter_status(s, owner_id=me.id, filter_id=made.filter.id, status_id=post.id)
    shown, results = await _page(db, me.id, [post, boost], "home")
    assert shown == [post.id, boost.id]
    assert results[post.id][0].status_matches == [str(post.id)]
    assert results[boost.id][0].keyword_matches is None
    assert str(post.id) in results[boost.id][0].status_matches


async def test_expired_filter_does_not_apply(db) -> None:
    clock = FrozenClock(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    set_clock(clock)
    try:
        async with db.write() as s:
            me = await make_account(s, username="reader")
            city = await make_account(s, username="city")
            post = await make_status(s, city, "안양 소식")
            made = await filters.create_filter(s, owner_id=me.id, title="잠시", context=["home"], action="hide",
                                               expires_in=3600, keywords=[KeywordChange(keyword="안양")])
        assert made.filter.expires_at == utcnow().replace(hour=10)
        assert (await _page(db, me.id, [post], "home"))[0] == []
        clock.advance(seconds=3601)  # still cached: expiry is checked against the clock, not the cache
        assert (await _page(db, me.id, [post], "home"))[0] == [post.id]
    finally:
        set_clock(Clock())


async def test_no_filters_costs_no_query_once_cached(db) -> None:
    async with db.write() as s:
        me = await make_account(s, username="reader")
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.read_sync_engine, "before_cursor_execute", listen)
    try:
        for _ in range(3):
            async with db.read() as s:
                # On SQLite prebuilt statements go to the driver itself (db.fast_select): watch there too.
                inline = isinstance(s, InlineSession)
                if inline:
                    s.driver_connection().set_trace_callback(statements.append)
                try:
                    assert await filters.filters_for(s, me.id, "home") == []
                finally:
                    if inline:
                        s.driver_connection().set_trace_callback(None)
    finally:
        event.remove(db.read_sync_engine, "before_cursor_execute", listen)
    # One probe the first time (the viewer has none, so nothing more is asked), none once cached.
    assert len([q for q in statements if "filters" in q]) == 1


async def test_a_change_in_this_process_is_seen_at_once(db) -> None:
    async with db.write() as s:
        me = await make_account(s, username="reader")
        city = await make_account(s, username="city")
        post = await make_status(s, city, "축구부 모집")
    assert (await _page(db, me.id, [post], "home"))[0] == [post.id]  # "none" is now cached
    async with db.write() as s:
        made = await filters.create_filter(s, owner_id=me.id, title="운동", context=["home"], action="hide",
                                           keywords=[KeywordChange(keyword="축구")])
    assert (await _page(db, me.id, [post], "home"))[0] == []
    async with db.write() as s:
        await filters.update_filter(s, owner_id=me.id, filter_id=made.filter.id, action="warn")
    shown, results = await _page(db, me.id, [post], "home")
    assert shown == [post.id] and results[post.id][0].keyword_matches == ["축구"]
    async with db.write() as s:
        await filters.delete_filter(s, owner_id=me.id, filter_id=made.filter.id)
    assert (await _page(db, me.id, [post], "home")) == ([post.id], {})


async def test_bad_input_and_privacy(db) -> None:
    async with db.write() as s:
        me = await make_account(s, username="reader")
        other = await make_account(s, username="other")
        made = await filters.create_filter(s, owner_id=me.id, title="내 필터", context=["home"],
                                           keywords=[KeywordChange(keyword="안양")])
    bad = [dict(title="", context=["home"]), dict(title="x", context=[]), dict(title="x", context=["everywhere"]),
           dict(title="x", context=["home"], action="delete"), dict(title="x", context=["home"], expires_in=-5),
           dict(title="x", context=["home"], keywords=[KeywordChange(keyword="  ")])]
    for fields in bad:
        with pytest.raises(Invalid):
            async with db.write() as s:
                await filters.create_filter(s, owner_id=me.id, **fields)
    for call in (filters.get_filter_detail, filters.delete_filter):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await call(s, owner_id=other.id, filter_id=made.filter.id)
    with pytest.raises(NotFound):  # a keyword id of another filter
        async with db.write() as s:
            await filters.update_filter(s, owner_id=me.id, filter_id=made.filter.id, title="바뀜",
                                        keywords=[KeywordChange(id=made.keywords[0].id + 1, keyword="x")])
    async with db.read() as s:
        (only,) = await filters.list_filters(s, owner_id=me.id)
        assert (only.filter.title, [k.keyword for k in only.keywords]) == ("내 필터", ["안양"])
        assert await filters.list_filters(s, owner_id=other.id) == []
