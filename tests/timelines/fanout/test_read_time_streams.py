"""A read-time author's post (decision 0068) still reaches its followers' open user streams at
once: live delivery never waited for feed rows (statuses.create publishes on commit, and
streaming.audience decides by follows), so nothing written to feeds is needed for it."""

from __future__ import annotations

import asyncio
import json

import httpx
from sqlalchemy import func, select

from madang.auth.applications import create_application
from madang.auth.tokens import issue_token
from madang.models import HomeFeedEntry, ReadTimeAuthor
from tests.factories import follow, make_account, run_jobs
from tests.support.server import running_server

FOLLOWERS = 20


async def _updates(base: str, token: str, found: dict[str, list[str]], ready: asyncio.Event, key: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30, read=30)) as http:
        async with http.stream("GET", "/api/v1/streaming/user", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status_code == 200
            event = None
            async for line in r.aiter_lines():
                if line.startswith(":"):
                    ready.set()
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "update":
                    found.setdefault(key, []).append(json.loads(line[6:])["id"])


async def test_followers_streams_get_a_read_time_authors_post_live(db, database_url):
    async with db.write() as s:
        app = await create_application(s, name="streams", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                                       scopes="read write", website=None)
        city = await make_account(s, username="seoul")
        city_token = (await issue_token(s, application=app, account=city, scopes=["read", "write"])).token
        tokens = {}
        for n in range(FOLLOWERS):
            fan = await make_account(s, username=f"fan{n}")
            await follow(s, fan, city)
            tokens[f"fan{n}"] = (await issue_token(s, application=app, account=fan, scopes=["read"])).token
        stranger = await make_account(s, username="stranger")
        tokens["stranger"] = (await issue_token(s, application=app, account=stranger, scopes=["read"])).token
    # The follows' merge jobs (the city's recent posts into each new follower's feed) run now: left
    # to the server's worker, a loaded machine ran them after the post, and they wrote it out then.
    await run_jobs(db)
    with running_server(database_url, federation=False, fanout_read_time_threshold=2) as base:
        found: dict[str, list[str]] = {}
        readies = {key: asyncio.Event() for key in tokens}
        tasks = [asyncio.create_task(_updates(base, tok, found, readies[key], key)) for key, tok in tokens.items()]
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in readies.values())), 30)
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                answer = await http.post("/api/v1/statuses", json={"status": "서울시 긴급 안내"},
                                         headers={"Authorization": f"Bearer {city_token}"})
                assert answer.status_code == 200, answer.text
                post_id = answer.json()["id"]
                deadline = asyncio.get_running_loop().time() + 20
                while sum(post_id in found.get(f"fan{n}", []) for n in range(FOLLOWERS)) < FOLLOWERS:
                    assert asyncio.get_running_loop().time() < deadline, found
                    await asyncio.sleep(0.05)
                # ...and on their home timelines, read from the author's posts.
                home = await http.get("/api/v1/timelines/home", headers={"Authorization": f"Bearer {tokens['fan7']}"})
                assert [s["id"] for s in home.json()][:1] == [post_id]
            await asyncio.sleep(0.3)
            assert "stranger" not in found
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    async with db.read() as s:
        assert await s.scalar(select(ReadTimeAuthor.account_id)) == city.id
        assert await s.scalar(select(func.count()).select_from(HomeFeedEntry).where(
            HomeFeedEntry.status_id == int(post_id))) <= 1  # the author's own, at most
