"""Fan-out at a capital's scale (issue 16, decision 0068): the home timeline is the same
whether a big account's posts are written to its followers' feeds or merged in when read.

Two worlds are built side by side in one database, with the same accounts, follows, posts,
boosts, mutes, blocks, lists and filters, step by step: in world ``a`` every post is written
out (threshold 0), in world ``b`` accounts with more than 2 followers are read-time authors.
`city` is big from the start; `ward` starts small and crosses the threshold half-way (its
earlier posts stay in feeds, its later ones are merged). Each viewer's home timeline is then
read through the Mastodon API on one running server, page by page with every cursor
(max_id, since_id, min_id, limit), and both worlds must show the same statuses in the same
order, each once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from sqlalchemy import func, select, update

from madang.accounts import block_account, mute_account, unfollow_account
from madang.accounts.followed_tags import follow_tag
from madang.auth.applications import create_application
from madang.auth.tokens import issue_token
from madang.core.clock import utcnow
from madang.models import Account, HomeFeedEntry, ReadTimeAuthor, Status
from madang.statuses.create import create_status
from madang.statuses.delete import delete_status
from madang.statuses.delivery import mark_read_time_author
from madang.statuses.interactions import reblog_status
from tests.factories import SITE, follow, home_ids, make_account, run_jobs
from tests.support.server import running_server

THRESHOLD = 2
NAMES = ["city", "ward", "small", "booster", "replier", "extra1", "extra2", "v1", "v2", "v3", "v4", "v5", "v6"]
VIEWERS = ["v1", "v2", "v3", "v4", "v5", "v6", "city", "ward"]


class World:
    def __init__(self, db: Any, prefix: str, threshold: int) -> None:
        self.db, self.prefix = db, prefix
        self.site = dataclasses.replace(SITE, fanout_read_time_threshold=threshold)
        self.acc: dict[str, Any] = {}
        self.posts: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}

    async def setup(self) -> None:
        async with self.db.write() as s:
            app = await create_application(s, name="fanout test", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                                           scopes="read write follow", website=None)
            for name in NAMES:
                self.acc[name] = await make_account(s, username=f"{self.prefix}{name}")
                issued = await issue_token(s, application=app, account=self.acc[name], scopes=["read", "write", "follow"])
                self.tokens[name] = issued.token

    async def follow(self, who: str, *whom: str, **options: Any) -> None:
        async with self.db.write() as s:
            for target in whom:
                await follow(s, self.acc[who], self.acc[target], **options)
        await run_jobs(self.db)

    async def post(self, key: str, who: str, text: str, *, reply_to: str | None = None, **options: Any) -> None:
        async with self.db.write() as s:
            if reply_to is not None:
                options["in_reply_to_id"] = self.posts[reply_to].id
            self.posts[key] = await create_status(s, site=self.site, author=self.acc[who], text=text, **options)
        await run_jobs(self.db)

    async def boost(self, key: str, who: str, original: str) -> None:
        async with self.db.write() as s:
            status = await s.get(Status, self.posts[original].id)
            self.posts[key] = await reblog_status(s, site=self.site, account=self.acc[who], status=status)
        await run_jobs(self.db)

    async def do(self, action: Any, who: str, target: str, **options: Any) -> None:
        async with self.db.write() as s:
            await action(s, account=self.acc[who], target=self.acc[target], **options)
        await run_jobs(self.db)

    async def follow_tag(self, who: str, name: str) -> None:
        async with self.db.write() as s:
            await follow_tag(s, account_id=self.acc[who].id, name=name)

    async def delete(self, key: str) -> None:
        async with self.db.write() as s:
            status = await s.get(Status, self.posts[key].id)
            await delete_status(s, actor=await s.get(type(self.acc["city"]), status.account_id), status=status)
        await run_jobs(self.db)


async def play(world: World, base: str) -> None:
    """The same story in each world (on the API where a client would do it)."""
    w = world
    await w.setup()
    await w.follow("v1", "city", "small", "booster", "ward")
    await w.follow("v2", "city", "replier")
    await w.follow("v2", "booster", reblogs=False)
    await w.follow("v3", "city", "small", "booster")
    await w.follow("v4", "city", "booster", "replier")
    await w.follow("v5", "small", "replier")
    await w.follow("extra1", "city")
    await w.follow("city", "small")
    await w.follow("ward", "replier")
    await w.follow("v6", "ward", "booster")
    # Followed hashtags: v6 does not follow city, v1 does (one copy, not two).
    # (Tags are shared by the worlds: each has its own.)
    await w.follow_tag("v6", f"seoulnews{w.prefix}")
    await w.follow_tag("v1", f"seoulnews{w.prefix}")
    # ward: 2 followers (v1, v6), written out as usual.
    await w.post("w1", "ward", "동 주민센터 안내 1")
    await w.post("w2", "ward", "동 주민센터 안내 2 (팔로워 공개)", visibility="private")
    for n in range(1, 5):
        await w.post(f"c{n}", "city", f"서울시 공지 {n}번")
    await w.post("c_tag", "city", f"오늘의 #seoulnews{w.prefix} 입니다")
    await w.post("c_tag_private", "city", f"팔로워께만 #seoulnews{w.prefix}", visibility="private")
    await w.post("c_unlisted", "city", "조용한 공지", visibility="unlisted")
    await w.post("c_private", "city", "팔로워께만 드리는 공지", visibility="private")
    await w.post("c_direct", "city", f"@{w.prefix}v2 개별 안내", visibility="direct")
    await w.post("s1", "small", "동네 소식 하나")
    await w.post("r1", "replier", "시청에 질문 있습니다")
    await w.post("c_reply_r", "city", f"@{w.prefix}replier 답변드립니다", reply_to="r1")
    await w.post("c_thread", "city", "이어서 알려드립니다", reply_to="c1")
    await w.post("r_reply_c", "replier", f"@{w.prefix}city 감사합니다", reply_to="c_reply_r")
    await w.boost("b_c2", "booster", "c2")  # v1, v3, v4 have c2 already: not again
    await w.boost("b_s1", "booster", "s1")  # v2 turned boosts of booster off
    await w.boost("city_b_s1", "city", "s1")
    await w.post("s2", "small", "공사 때문에 길이 막혀요")  # v3 filters "공사" out (hide)
    # v5 follows city now: the recent posts merge into its feed (both worlds), later ones follow.
    await w.follow("v5", "city")
    # ward crosses the threshold: posts from here are read-time in world b.
    await w.follow("v3", "ward")
    await w.follow("v4", "ward")
    await w.post("w3", "ward", "동 주민센터 안내 3")
    await w.post("w4", "ward", "동 주민센터 안내 4", visibility="private")
    await w.post("w_reply", "ward", f"@{w.prefix}replier 확인했습니다", reply_to="r1")
    await w.boost("b_w3", "booster", "w3")
    # v1 unfollows ward and follows again; v6 blocks booster; v3 mutes small; v4 mutes city.
    await w.do(unfollow_account, "v1", "ward")
    await w.post("w5", "ward", "동 주민센터 안내 5")
    await w.follow("v1", "ward")
    await w.do(block_account, "v6", "booster")
    await w.do(mute_account, "v3", "small")
    await w.do(mute_account, "v4", "city")
    for n in range(5, 9):
        await w.post(f"c{n}", "city", f"서울시 공지 {n}번")
    await w.post("w6", "ward", "동 주민센터 안내 6")
    await w.delete("c6")
    await w.boost("b_c7", "booster", "c7")
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        # v1 reads ward on an exclusive list: not at home; v3 hides "공사".
        head = {"Authorization": f"Bearer {w.tokens['v1']}"}
        made = (await http.post("/api/v1/lists", json={"title": "동네", "exclusive": True}, headers=head)).json()
        answer = await http.post(f"/api/v1/lists/{made['id']}/accounts", json={"account_ids": [str(w.acc['ward'].id)]},
                                 headers=head)
        assert answer.status_code == 200, answer.text
        answer = await http.post("/api/v2/filters", json={
            "title": "공사", "context": ["home"], "filter_action": "hide", "keywords_attributes": [{"keyword": "공사"}]},
            headers={"Authorization": f"Bearer {w.tokens['v3']}"})
        assert answer.status_code == 200, answer.text
    await w.post("c9", "city", "서울시 공지 9번")
    await w.post("w7", "ward", "동 주민센터 안내 7")


def normal(status: dict, prefix: str) -> tuple:
    """A status as both worlds can compare it: who wrote it, what it says, what it boosts."""
    def one(s: dict) -> tuple:
        content = s["content"].replace(f"seoulnews{prefix}", "seoulnews")
        for name in NAMES:
            content = content.replace(prefix + name, name)
        return (s["account"]["username"].removeprefix(prefix), content, s["visibility"],
                s["in_reply_to_id"] is not None)
    return (one(status), one(status["reblog"]) if status["reblog"] else None)


async def pages(http: httpx.AsyncClient, token: str, prefix: str) -> dict[str, list]:
    """The home timeline read with each cursor; each list of normalised statuses."""
    head = {"Authorization": f"Bearer {token}"}

    async def get(**params: Any) -> list[dict]:
        answer = await http.get("/api/v1/timelines/home", params=params, headers=head)
        assert answer.status_code == 200, answer.text
        return answer.json()

    out: dict[str, list] = {}
    everything = await get(limit=40)
    out["all"] = [normal(s, prefix) for s in everything]
    ids = [s["id"] for s in everything]
    assert len(ids) == len(set(ids)), "a status twice on one page"
    # Backwards with max_id, 3 at a time (the Link header's "next").
    walked, cursor = [], None
    for _ in range(30):
        page = await get(limit=3, **({"max_id": cursor} if cursor else {}))
        if not page:
            break
        walked += page
        cursor = page[-1]["id"]
    out["max_id"] = [normal(s, prefix) for s in walked]
    # Forwards with min_id from the start, 3 at a time (the Link header's "prev"), newest first each.
    walked, cursor = [], "0"
    for _ in range(30):
        page = await get(limit=3, min_id=cursor)
        if not page:
            break
        walked.append([normal(s, prefix) for s in page])
        cursor = page[0]["id"]
    out["min_id"] = walked
    # since_id and max_id between statuses of the page (by position).
    for k in (1, len(ids) // 2, len(ids) - 2):
        if 0 <= k < len(ids):
            out[f"since_{k}"] = [normal(s, prefix) for s in await get(limit=4, since_id=ids[k])]
            out[f"max_{k}"] = [normal(s, prefix) for s in await get(limit=5, max_id=ids[k])]
            out[f"range_{k}"] = [normal(s, prefix) for s in await get(max_id=ids[0], since_id=ids[k])]
            out[f"min_{k}"] = [normal(s, prefix) for s in await get(limit=2, min_id=ids[k])]
    return out


async def test_home_timelines_are_the_same_written_out_or_merged_when_read(db, database_url):
    written, merged = World(db, "a", 0), World(db, "b", THRESHOLD)
    # No embedded worker: each step's jobs run to the end (run_jobs) before the next step.
    with running_server(database_url, federation=False, embedded_worker=False) as base:
        await play(written, base)
        await play(merged, base)
        async with db.read() as s:
            marked = dict((await s.execute(select(ReadTimeAuthor.account_id, ReadTimeAuthor.since_status_id))).all())
            # Not vacuous: world b's big accounts are read-time, and their later posts are in no feed.
            assert {merged.acc["city"].id, merged.acc["ward"].id} <= set(marked)
            assert not set(marked) & {a.id for a in written.acc.values()}
            assert marked[merged.acc["city"].id] == merged.posts["c1"].id
            assert marked[merged.acc["ward"].id] == merged.posts["w3"].id
            in_feeds = await s.scalar(select(func.count()).select_from(HomeFeedEntry).where(
                HomeFeedEntry.status_id == merged.posts["c8"].id))
            assert in_feeds <= 1  # the author's own feed only
            assert await s.scalar(select(func.count()).select_from(HomeFeedEntry).where(
                HomeFeedEntry.status_id == written.posts["c8"].id)) >= 6
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for viewer in VIEWERS:
                a = await pages(http, written.tokens[viewer], "a")
                b = await pages(http, merged.tokens[viewer], "b")
                assert a["all"], viewer
                if viewer in ("v1", "v6"):  # the public tagged post, by the tag (v6) or both ways (v1)
                    assert sum("오늘의" in st[0][1] for st in b["all"]) == 1, viewer
                for key in a:
                    assert b[key] == a[key], (viewer, key, "\n".join(map(str, a[key])), "\n".join(map(str, b[key])))
                # Paging walked every status once, in order, with both cursors.
                assert b["max_id"] == b["all"]
                assert [s for page in reversed(b["min_id"]) for s in page] == b["all"]


async def test_two_first_posts_at_once_keep_the_lower_mark(db):
    async with db.write() as s:
        city = await make_account(s, username="seoul")
        await mark_read_time_author(s, city.id, 200)
        await mark_read_time_author(s, city.id, 100)
        await mark_read_time_author(s, city.id, 300)
    async with db.read() as s:
        assert await s.scalar(select(ReadTimeAuthor.since_status_id)) == 100


async def test_a_suspended_read_time_authors_posts_leave_home_timelines(db):
    """Suspension takes an author's posts out of followers' feeds (moderation.actions): the
    merged ones go too, and come back with the unsuspension."""
    site = dataclasses.replace(SITE, fanout_read_time_threshold=1)
    async with db.write() as s:
        city = await make_account(s, username="seoul")
        fans = [await make_account(s, username=f"fan{n}") for n in range(2)]
        for fan in fans:
            await follow(s, fan, city)
    await run_jobs(db)
    async with db.write() as s:
        post = await create_status(s, site=site, author=city, text="서울시 공지")
    await run_jobs(db)
    assert await home_ids(db, fans[1]) == [post.id]
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(HomeFeedEntry).where(
            HomeFeedEntry.status_id == post.id, HomeFeedEntry.account_id != city.id)) == 0
        assert await s.scalar(select(ReadTimeAuthor.since_status_id)) == post.id
    async with db.write() as s:
        await s.execute(update(Account).where(Account.id == city.id).values(suspended_at=utcnow()))
    assert await home_ids(db, fans[1]) == []
    async with db.write() as s:
        await s.execute(update(Account).where(Account.id == city.id).values(suspended_at=None))
    assert await home_ids(db, fans[1]) == [post.id]
