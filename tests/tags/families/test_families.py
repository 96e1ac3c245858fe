"""Hashtag families on both databases (decision 0063): who may edit them and their history, the
tag timeline with any/all/none, trends counting a family as one, and the monitor — its page and
its live hub — catching a watched tag's whole family."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from sqlalchemy import select

from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.db import Database
from madang.db.paging import Page
from madang.events import EventBus, attach
from madang.models import TagFamilyEvent
from madang.monitor.feed import monitor_page
from madang.monitor.hub import MonitorHub
from madang.monitor.watches import add_watch, load_rules
from madang.office.tag_families import join_tags, list_families, remove_tag
from madang.timelines.queries import list_tag_timeline
from madang.trends.queries import list_trending_tags, tag_histories
from madang.trends.refresh import refresh_trends
from tests.desk.city import City, make_city
from tests.factories import make_account, make_status


async def _join(db: Database, city: City, *names: str) -> None:
    async with db.write() as s:
        await join_tags(s, actor=city.admin, names=list(names))


async def _timeline(db: Database, tag: str, **options: object) -> list[int]:
    async with db.read() as s:
        rows = await list_tag_timeline(s, tag_names=[tag], viewer_id=None, page=Page(limit=40), **options)  # type: ignore[arg-type]
    return [r.id for r in rows]


async def test_only_office_admins_edit_and_every_change_is_kept(db: Database) -> None:
    city = await make_city(db)
    for outsider in (city.triager, city.reader, city.citizen):
        with pytest.raises(Forbidden) as refused:
            async with db.write() as s:
                await join_tags(s, actor=outsider, names=["안양", "anyang"])
        assert "민원 총괄" in str(refused.value) and refused.value.needs == ("office_admin", "instance_admin")
    await _join(db, city, "안양", "anyang")
    await _join(db, city, "#안양시", "안양")  # names one in a family: added to that family
    async with db.write() as s:
        await join_tags(s, actor=city.admin, names=["고양", "goyang"])
        with pytest.raises(Conflict):  # a tag is in one family at most
            await join_tags(s, actor=city.admin, names=["anyang", "goyang"])
    async with db.write() as s:
        with pytest.raises(Invalid):
            await join_tags(s, actor=city.admin, names=["혼자"])
    async with db.read() as s:
        page = await list_families(s, actor=city.admin)
    assert [[t.name for t in f.tags] for f in page.families] == [["고양", "goyang"], ["안양", "anyang", "안양시"]]
    async with db.write() as s:
        await remove_tag(s, actor=city.admin, name="안양")  # the lead leaves: the oldest other leads
        await remove_tag(s, actor=city.admin, name="goyang")  # one left: the family ends
        with pytest.raises(NotFound):
            await remove_tag(s, actor=city.admin, name="goyang")
    async with db.read() as s:
        page = await list_families(s, actor=city.admin)
        events = list(await s.scalars(select(TagFamilyEvent).order_by(TagFamilyEvent.id)))
    assert [[t.name for t in f.tags] for f in page.families] == [["anyang", "안양시"]]
    assert [(e.action, e.tag_name, e.lead_name, e.actor_acct) for e in events] == [
        ("joined", "안양", "안양", "desk_admin"), ("joined", "anyang", "안양", "desk_admin"),
        ("joined", "안양시", "안양", "desk_admin"),
        ("joined", "고양", "고양", "desk_admin"), ("joined", "goyang", "고양", "desk_admin"),
        ("removed", "안양", "안양", "desk_admin"),
        ("removed", "goyang", "고양", "desk_admin"), ("removed", "고양", "고양", "desk_admin")]
    assert all(e.created_at is not None for e in events)


async def test_the_tag_timeline_reads_a_family_as_one(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        roman = await make_status(s, city.citizen, "Anyang walk #anyang")
        hangul = await make_status(s, city.citizen, "안양천 산책 #안양")
        both = await make_status(s, city.citizen, "안양과 고양 #안양시 #고양")
        goyang = await make_status(s, city.citizen, "고양 호수공원 #고양")
    assert await _timeline(db, "anyang") == [roman.id]
    await _join(db, city, "안양", "anyang", "안양시")
    family = [both.id, hangul.id, roman.id]
    for name in ("anyang", "안양", "#안양시", "ANYANG"):
        assert await _timeline(db, name) == family
    assert await _timeline(db, "고양", all_names=["anyang"]) == [both.id]
    assert await _timeline(db, "anyang", none_names=["고양"]) == [hangul.id, roman.id]
    assert await _timeline(db, "고양", none_names=["안양"]) == [goyang.id]
    async with db.write() as s:
        await remove_tag(s, actor=city.admin, name="안양시")
    assert await _timeline(db, "anyang") == [hangul.id, roman.id]
    assert await _timeline(db, "안양시") == [both.id]


async def test_trends_count_a_family_once_by_its_lead(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        other = await make_account(s, username="jiwoo")
        # One account for each spelling: alone, neither tag reaches two accounts.
        await make_status(s, city.citizen, "안양 축제 #안양")
        await make_status(s, other, "Anyang festival #anyang #안양시")
    await refresh_trends(db, time_zone="Asia/Seoul")
    async with db.read() as s:
        assert await list_trending_tags(s, offset=0, limit=10) == []
    await _join(db, city, "안양", "anyang", "안양시")
    await refresh_trends(db, time_zone="Asia/Seoul")
    async with db.read() as s:
        trending = await list_trending_tags(s, offset=0, limit=10)
        assert [t.name for t in trending] == ["안양"]
        tags = {t.name: t.id for t in await _tags(s)}
        histories = await tag_histories(s, list(tags.values()), now=datetime.now(timezone.utc) + timedelta(seconds=1),
                                        time_zone="Asia/Seoul")
    # Every member has the family's history: two posts by two accounts today.
    assert {name: (h[0].uses, h[0].accounts) for name, h in ((n, histories[i]) for n, i in tags.items())} == {
        "안양": (2, 2), "anyang": (2, 2), "안양시": (2, 2)}


async def _tags(s):  # type: ignore[no-untyped-def]
    from madang.models import Tag
    return list(await s.scalars(select(Tag)))


async def test_the_monitor_watches_a_tags_whole_family(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        await add_watch(s, organisation=city.org, staff=city.triager, kind="hashtag", value="#안양")
        earlier = await make_status(s, city.citizen, "Anyang walk #anyang")
    bus = EventBus()
    attach(db, bus)
    hub = MonitorHub(db)
    bus.listen(hub.on_event)
    watcher = hub.connect(city.org.id)
    try:
        async with db.write() as s:
            await make_status(s, city.citizen, "before the family #anyang")
        with pytest.raises(TimeoutError):
            await watcher.next(timeout=0.5)
        await _join(db, city, "안양", "anyang")
        await asyncio.sleep(0)
        async with db.write() as s:
            live = await make_status(s, city.citizen, "Anyang bridge is closed #anyang")
        event, payload = await watcher.next(timeout=5)
        assert event == "item" and orjson.loads(payload) == {"id": str(live.id), "reasons": ["hashtag"]}
    finally:
        await hub.close()
    async with db.read() as s:
        rules = await load_rules(s, city.org.id)
        assert rules.tags == {"안양", "anyang"}
        items, _ = await monitor_page(s, rules)
    assert live.id in [i.status.id for i in items] and earlier.id in [i.status.id for i in items]
