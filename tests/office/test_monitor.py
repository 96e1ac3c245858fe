"""The live monitor's rules on both databases: what it shows and why, handled marks, opening a
case in one action, and the hub handing a new post and a mark to every watcher of the office."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from madang.core.errors import Conflict, Forbidden, Invalid
from madang.db import Database
from madang.events import EventBus, attach
from madang.models import Status
from madang.models.desk import Case
from madang.monitor.cases import open_case_from_post
from madang.monitor.feed import monitor_page
from madang.monitor.hub import MonitorHub
from madang.monitor.marks import set_handled
from madang.monitor.watches import add_watch, list_watches, load_rules, remove_watch
from tests.desk.city import City, make_city
from tests.factories import SITE, make_account, make_status


async def watched_city(db: Database) -> City:
    city = await make_city(db)
    async with db.write() as s:
        await add_watch(s, organisation=city.org, staff=city.triager, kind="hashtag", value="#안양천")
        await add_watch(s, organisation=city.org, staff=city.triager, kind="keyword", value="가로등")
    return city


async def test_the_monitor_shows_mentions_replies_tags_and_hangul_keywords_and_why(db: Database) -> None:
    city = await watched_city(db)
    async with db.write() as s:
        mine = await make_status(s, city.org, "이영표 선수가 안양에 옵니다")
        posts = {
            "mention": await make_status(s, city.citizen, "@anyanglove 민원 문의드립니다"),
            "reply": await make_status(s, city.citizen, "기대돼요", in_reply_to=mine),
            "tag": await make_status(s, city.citizen, "오늘 #안양천 산책"),
            "keyword": await make_status(s, city.citizen, "집 앞 가로등이 꺼졌어요"),  # inside a longer word
            "dm": await make_status(s, city.citizen, "@anyanglove 개인 문의", visibility="direct"),
        }
        await make_status(s, city.citizen, "#안양천 친구에게만", visibility="private")  # not addressed: left out
        await make_status(s, city.citizen, "아무 상관 없는 글")
        await make_status(s, city.org, "#안양천 시청 공지")  # the city's own posts are not for the monitor
    async with db.read() as s:
        items, more = await monitor_page(s, await load_rules(s, city.org.id))
    assert more is None
    why = {i.status.id: i.reasons for i in items}
    assert why == {posts["mention"].id: ["mention"], posts["reply"].id: ["reply"],
                   posts["tag"].id: ["hashtag"], posts["keyword"].id: ["keyword"], posts["dm"].id: ["mention"]}
    assert [i.status.id for i in items] == sorted(why, reverse=True)  # newest first


async def test_watches_are_checked_and_only_staff_who_handle_change_them(db: Database) -> None:
    city = await watched_city(db)
    async with db.write() as s:
        with pytest.raises(Conflict):
            await add_watch(s, organisation=city.org, staff=city.admin, kind="hashtag", value="안양천")
    for kind, value in (("hashtag", "#"), ("hashtag", "2026"), ("keyword", "   "), ("keyword", "가" * 51),
                        ("colour", "blue")):
        async with db.write() as s:
            with pytest.raises(Invalid):
                await add_watch(s, organisation=city.org, staff=city.admin, kind=kind, value=value)
    async with db.write() as s:
        with pytest.raises(Forbidden):
            await add_watch(s, organisation=city.org, staff=city.reader, kind="keyword", value="버스")
        with pytest.raises(Forbidden):
            await add_watch(s, organisation=city.org, staff=city.outsider, kind="keyword", value="버스")
    async with db.write() as s:
        watches = await list_watches(s, organisation_id=city.org.id)
        assert [(w.kind, w.value) for w in watches] == [("hashtag", "안양천"), ("keyword", "가로등")]
        await remove_watch(s, organisation=city.org, staff=city.admin, watch_id=watches[0].id)
    async with db.read() as s:
        assert (await load_rules(s, city.org.id)).tags == frozenset()


async def test_a_post_becomes_a_case_once_and_is_marked_handled(db: Database) -> None:
    city = await watched_city(db)
    async with db.write() as s:
        post = await make_status(s, city.citizen, "#안양천 산책로에 쓰레기가 많아요")
    async with db.write() as s:
        with pytest.raises(Forbidden):
            await open_case_from_post(s, site=SITE, organisation=city.org, staff=city.officer, status_id=post.id,
                                      kind="grievance")
    async with db.write() as s:
        case, new = await open_case_from_post(s, site=SITE, organisation=city.org, staff=city.triager,
                                              status_id=post.id, kind="grievance")
        assert new and case.source_status_id == post.id and case.citizen_id == city.citizen.id
    async with db.write() as s:
        again, new = await open_case_from_post(s, site=SITE, organisation=city.org, staff=city.admin,
                                               status_id=post.id, kind="grievance")
        assert not new and again.id == case.id
    async with db.read() as s:
        items, _ = await monitor_page(s, await load_rules(s, city.org.id))
        assert items[0].mark is not None and items[0].mark.handled_by.id == city.triager.id
        assert len((await s.scalars(__import__("sqlalchemy").select(Case))).all()) == 1


async def test_the_hub_hands_new_posts_and_marks_to_every_watcher(db: Database) -> None:
    city = await watched_city(db)
    async with db.write() as s:
        other = await make_account(s, username="gwacheon", organisation=True)
    bus = EventBus()
    attach(db, bus)
    hub = MonitorHub(db)
    bus.listen(hub.on_event)
    first, second, elsewhere = hub.connect(city.org.id), hub.connect(city.org.id), hub.connect(other.id)
    try:
        async with db.write() as s:
            await make_status(s, city.citizen, "점심 맛집 추천")  # nobody's business
            post = await make_status(s, city.citizen, "가로등 고장 신고합니다")
        for watcher in (first, second):
            event, payload = await watcher.next(timeout=5)
            assert event == "item" and orjson.loads(payload) == {"id": str(post.id), "reasons": ["keyword"]}
        async with db.write() as s:
            await set_handled(s, organisation=city.org, staff=city.triager, status_id=post.id)
        for watcher in (first, second):
            event, payload = await watcher.next(timeout=5)
            data = orjson.loads(payload)
            assert event == "handled" and data["status_id"] == str(post.id) and data["handled"] is True
            assert data["by"] == "desk_triager"
        with pytest.raises(TimeoutError):
            await elsewhere.next(timeout=0.3)
        # A new watch takes effect at once for the open monitors.
        async with db.write() as s:
            await add_watch(s, organisation=city.org, staff=city.admin, kind="keyword", value="버스")
            later = await make_status(s, city.citizen, "버스가 안 와요")
        await asyncio.sleep(0)
        event, payload = await first.next(timeout=5)
        assert orjson.loads(payload)["id"] == str(later.id)
    finally:
        await hub.close()
        assert isinstance(post, Status)
