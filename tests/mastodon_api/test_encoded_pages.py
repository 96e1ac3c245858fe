"""Timeline pages are joined from cached, encoded parts (statuses_json_bytes); they must
decode to exactly what the dict serialiser gives, for every kind of status and viewer."""

from __future__ import annotations

import orjson

from madang.db import Database
from madang.mastodon_api.serializers.statuses import status_json, statuses_json_bytes
from madang.models import Status
from madang.statuses.edit import edit_status
from madang.statuses.interactions import bookmark_status, favourite_status, pin_status, reblog_status
from madang.statuses.views import load_status_views
from madang.timelines.queries import list_home_timeline
from madang.db.paging import Page
from madang.models import Poll
from madang.statuses.polls import PollSpec, vote_in_poll
from sqlalchemy import select
from tests.factories import SITE, follow, make_account, make_status, run_jobs

BASE = SITE.base_url


async def test_encoded_page_matches_the_dict_serialiser(db: Database) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        reader = await make_account(s, username="reader")
        city_fan = await make_account(s, username="city_fan")
        await follow(s, reader, city)
        plain = await make_status(s, city, "안양천 벚꽃길이 열렸습니다 #안양 @reader")
        other = await make_status(s, reader, "비산동 민원 문의드립니다")
        await make_status(s, city, "답글", in_reply_to=other)
        await make_status(s, city, "팔로워 공지", visibility="private", spoiler_text="주의", sensitive=True)
        # Polls: their counts and the viewer's votes are spliced in per request, never cached.
        voted = await make_status(s, city, "점심 투표", poll=PollSpec(options=("김밥", "라면"), expires_in=600))
        await make_status(s, city, "비밀 집계", poll=PollSpec(options=("예", "아니오"), expires_in=600,
                                                          hide_totals=True, multiple=True))
    async with db.write() as s:
        await favourite_status(s, account=reader, status=plain)
        await bookmark_status(s, account=reader, status=plain)
        await reblog_status(s, site=SITE, account=reader, status=plain)
        await pin_status(s, account=city, status=plain)
        city = await s.get(type(city), city.id)
        await edit_status(s, site=SITE, editor=city, status=await s.get(Status, plain.id), text="고친 글 #안양")
    async with db.write() as s:
        poll = await s.scalar(select(Poll).where(Poll.status_id == voted.id))
        await vote_in_poll(s, poll=poll, account=reader, choices=[1])
    await run_jobs(db)
    for viewer in (reader.id, city.id, None):
        async with db.read() as s:
            rows = await list_home_timeline(s, viewer_id=reader.id, page=Page(limit=40))
            views = await load_status_views(s, rows, viewer)
        assert len(views) >= 5
        assert any(v.reblog is not None for v in views)
        assert sum(v.poll is not None for v in views) == 2
        expected = [status_json(v, BASE) for v in views]
        # Twice: the second time from the caches.
        for _ in range(2):
            assert orjson.loads(statuses_json_bytes(views, BASE)) == expected
    # A vote changes what the same (cached) status shows, on both paths.
    async with db.write() as s:
        await vote_in_poll(s, poll=await s.get(Poll, poll.id), account=city_fan, choices=[0])
    async with db.read() as s:
        rows = await list_home_timeline(s, viewer_id=reader.id, page=Page(limit=40))
        views = await load_status_views(s, rows, reader.id)
    shown = [p for p in orjson.loads(statuses_json_bytes(views, BASE)) if p["id"] == str(voted.id)][0]["poll"]
    assert shown["votes_count"] == 2 and shown["own_votes"] == [1]
    assert [o["votes_count"] for o in shown["options"]] == [1, 1]
    assert [status_json(v, BASE) for v in views] == orjson.loads(statuses_json_bytes(views, BASE))


async def test_encoded_page_with_filter_results(db: Database) -> None:
    """``filtered`` is per viewer, spliced in after the cached part: the same page encoded
    for two readers carries each reader's own results, and matches the dict serialiser."""
    from madang import filters
    from madang.mastodon_api.routes.common import filter_views

    async with db.write() as s:
        city = await make_account(s, username="anyang")
        reader = await make_account(s, username="reader")
        other = await make_account(s, username="other")
        festival = await make_status(s, city, "안양에서 벚꽃 축제")
        quiet = await make_status(s, city, "조용한 하루")
        await reblog_status(s, site=SITE, account=city, status=festival)
        await filters.create_filter(s, owner_id=reader.id, title="축제", context=["home"],
                                    keywords=[filters.KeywordChange(keyword="안양")])
        await filters.create_filter(s, owner_id=reader.id, title="숨김", context=["home"], action="hide",
                                    keywords=[filters.KeywordChange(keyword="조용")])
    async with db.read() as s:
        rows = await list_home_timeline(s, viewer_id=city.id, page=Page(limit=40))
        pages = {}
        for viewer in (reader.id, other.id):
            views = await load_status_views(s, rows, viewer)
            pages[viewer] = await filter_views(s, views, viewer, "home")
    views, filtered = pages[reader.id]
    assert quiet.id not in [v.status.id for v in views]
    for _ in range(2):
        decoded = orjson.loads(statuses_json_bytes(views, BASE, filtered))
        assert decoded == [status_json(v, BASE, filtered=filtered) for v in views]
    boost, original = decoded[0], decoded[1]
    assert boost["reblog"]["filtered"][0]["keyword_matches"] == ["안양"]
    assert boost["filtered"][0]["filter"]["title"] == "축제"
    assert original["id"] == str(festival.id) and original["filtered"][0]["keyword_matches"] == ["안양"]
    # The other reader, after the first from the same caches: nothing of the first's results.
    views, filtered = pages[other.id]
    assert filtered == {} and len(views) == 3
    assert all(s["filtered"] == [] for s in orjson.loads(statuses_json_bytes(views, BASE, filtered)))
