"""Trends through Mastodon.py and httpx against a real server, after the trends job ran."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import pytest

from madang import trends
from madang.core.clock import Clock, FrozenClock, set_clock
from madang.db import Database
from tests.factories import run_jobs
from tests.mastodon_api.clients import assert_json_error, new_app, register
from tests.support.server import running_server

NOON = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)  # noon in Seoul
SEOUL_MIDNIGHT = int(datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc).timestamp())


@pytest.fixture
def quiet_server(database_url: str) -> Iterator[str]:
    """No embedded worker: the test runs the jobs itself, when it means to."""
    clock = FrozenClock(NOON)
    set_clock(clock)
    try:
        with running_server(database_url, embedded_worker=False) as url:
            yield url
    finally:
        set_clock(Clock())


def refresh(database_url: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                await trends.schedule_trends_refresh(s)
            await run_jobs(db)
        finally:
            await db.dispose()

    asyncio.run(go())


def test_trending_tags_and_statuses_with_mastodon_py(quiet_server: str, database_url: str) -> None:
    app = new_app(quiet_server)
    people = [register(quiet_server, app, f"hanriver{n}")[0] for n in range(3)]
    loner = register(quiet_server, app, "loner_tr")[0]
    hit = people[0].status_post("여의도 #벚꽃 만개 🌸")
    for api in people[1:]:
        api.status_post("#벚꽃 보러 왔어요")
        api.status_favourite(hit.id)
    for n in range(10):
        loner.status_post(f"#혼자 {n}번째")
    assert people[0].trending_tags() == []  # nothing until the job has run

    refresh(database_url)

    tags = people[0].trending_tags()
    assert [t.name for t in tags] == ["벚꽃"] and tags[0].following is False
    people[0].tag_follow("벚꽃")
    assert people[0].trending_tags()[0].following is True  # the caller's own follow
    raw = httpx.get(f"{quiet_server}/api/v1/trends/tags").json()
    assert raw[0]["url"].endswith("/tags/%EB%B2%9A%EA%BD%83")
    assert len(raw[0]["history"]) == 7
    assert raw[0]["history"][0] == {"day": str(SEOUL_MIDNIGHT), "uses": "3", "accounts": "3"}
    assert raw[0]["history"][1]["day"] == str(SEOUL_MIDNIGHT - 86400)
    # The old path answers the same, for anyone.
    assert httpx.get(f"{quiet_server}/api/v1/trends").json() == raw
    assert httpx.get(f"{quiet_server}/api/v1/trends/links").json() == []

    # One account posting ten times is one account: in the history, not in the trends.
    alone = httpx.get(f"{quiet_server}/api/v1/tags/혼자").json()
    assert alone["history"][0] == {"day": str(SEOUL_MIDNIGHT), "uses": "10", "accounts": "1"}

    assert [s.id for s in loner.trending_statuses()] == [hit.id]
    assert [s["id"] for s in httpx.get(f"{quiet_server}/api/v1/trends/statuses").json()] == [str(hit.id)]
    page = httpx.get(f"{quiet_server}/api/v1/trends/statuses", params={"offset": 1})
    assert page.json() == []
    # A blocked author's post is not shown to the one who blocked.
    loner.account_block(people[0].me().id)
    assert loner.trending_statuses() == []


def test_trends_bad_input(quiet_server: str) -> None:
    for path in ("/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends"):
        for params in ({"offset": "-1"}, {"limit": "많이"}, {"offset": "1e3"}, {"limit": "0"}):
            assert_json_error(httpx.get(f"{quiet_server}{path}", params=params), 400, 422)
        assert httpx.get(f"{quiet_server}{path}", params={"limit": 500}).status_code == 200
