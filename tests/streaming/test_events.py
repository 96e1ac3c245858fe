"""The event bus: published only after commit, and carried across processes by Redis."""

from __future__ import annotations

import asyncio

import pytest

from madang import events
from madang.db import Database
from madang.events.redis_bus import RedisEventBus
from madang.models import Account
from tests.factories import make_account, make_status
from tests.support.redisserver import RedisServer


async def test_a_rolled_back_post_is_never_published(db: Database) -> None:
    bus = events.EventBus()
    got: list[dict] = []
    bus.listen(got.append)
    events.attach(db, bus)
    async with db.write() as s:
        author = await make_account(s, username="anyang")
    with pytest.raises(RuntimeError):
        async with db.write() as s:
            await make_status(s, await s.get(Account, author.id), "취소될 글")
            raise RuntimeError("the request failed after the post was written")
    assert got == []
    async with db.write() as s:
        post = await make_status(s, await s.get(Account, author.id), "남는 글")
    assert [(e["type"], e["kind"], e["id"]) for e in got] == [("status", "update", post.id)]
    assert got[0]["account_id"] == author.id and got[0]["visibility"] == "public"


async def test_redis_carries_events_to_every_process_in_order(redis_server: RedisServer) -> None:
    one, two = RedisEventBus(redis_server.url), RedisEventBus(redis_server.url)
    await one.start()
    await two.start()
    try:
        heard: dict[str, list[dict]] = {"one": [], "two": []}
        one.listen(heard["one"].append)
        two.listen(heard["two"].append)
        for n in range(50):
            one.publish({"type": "status", "n": n, "text": "안양"})
        async with asyncio.timeout(10):
            while len(heard["one"]) < 50 or len(heard["two"]) < 50:
                await asyncio.sleep(0.01)
        # The publisher hears its own events through Redis too: one order for everyone.
        assert [e["n"] for e in heard["one"]] == [e["n"] for e in heard["two"]] == list(range(50))
        assert heard["two"][0]["text"] == "안양"
    finally:
        await one.close()
        await two.close()
