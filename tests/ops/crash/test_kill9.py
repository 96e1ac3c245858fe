"""`kill -9` of `madang serve` in the middle of a burst of posts, favourites and 민원 (mentions of the
city's account, which its desk takes in, and Open311 requests), with the embedded worker running
jobs meanwhile. Afterwards, on both databases: every request that was answered 2xx is there,
nothing is half-written (each post has its feed, counter and search rows; each case its number,
its first event and its Open311 row), and every job runs exactly once in effect (one notification
per favourite and per mention, one desk inbox item per post to the city)."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from madang.app import register_jobs
from madang.db import Database
from madang.jobs import Worker
from madang.models import Account, Favourite, Job, Notification, Status
from madang.models.desk import Case, CaseEvent, InboxItem
from madang.models.open311 import ServiceRequest
from madang.models.search import StatusSearchTerm
from madang.models.timelines import HomeFeedEntry
from tests.ops.crash.serving import madang_serve, serve_env, wait_for
from tests.ops.crash.town import Town, make_town

CLIENTS = 5
BURST_SECONDS = 2.0  # of answered requests before the kill; the clients keep sending through it


@dataclass
class Answered:
    """What the server said it did (2xx answers only), written by the client threads."""

    posts: list[tuple[int, int]] = field(default_factory=list)  # (account id, status id)
    to_city: list[int] = field(default_factory=list)  # status ids of posts mentioning the city
    favourites: list[tuple[int, int]] = field(default_factory=list)  # (account id, status id)
    open311: list[int] = field(default_factory=list)  # case ids
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        return len(self.posts) + len(self.favourites) + len(self.open311)


def _client(base: str, town: Town, n: int, answered: Answered, stop: threading.Event) -> None:
    me, token = town.citizens[n % len(town.citizens)], town.tokens[n % len(town.tokens)]
    rng = random.Random(n)
    with httpx.Client(base_url=base, timeout=5, headers={"Authorization": f"Bearer {token}"}) as http:
        step = 0
        while not stop.is_set():
            step += 1
            try:
                kind = step % 4
                if kind == 0:
                    r = http.post("/open311/v2/requests.json", data={
                        "api_key": town.api_key, "service_code": "welfare_question", "lat": "37.39",
                        "long": "126.95", "description": f"기초연금 신청 문의 {n}-{step}"})
                    if r.status_code // 100 == 2:
                        with answered.lock:
                            answered.open311.append(int(r.json()[0]["service_request_id"]))
                elif kind == 1 and answered.posts:
                    with answered.lock:
                        target = rng.choice(answered.posts)[1]
                    r = http.post(f"/api/v1/statuses/{target}/favourite")
                    if r.status_code // 100 == 2:
                        with answered.lock:
                            answered.favourites.append((me, target))
                else:
                    to_city = kind == 2
                    text = (f"@anyanglove 안양역 앞 가로등이 꺼졌어요 {n}-{step}" if to_city
                            else f"안양천 산책 {n}-{step} #안양 #crashtest")
                    r = http.post("/api/v1/statuses", data={"status": text})
                    if r.status_code // 100 == 2:
                        with answered.lock:
                            answered.posts.append((me, int(r.json()["id"])))
                            if to_city:
                                answered.to_city.append(int(r.json()["id"]))
            except httpx.HTTPError:
                time.sleep(0.05)  # the server is gone (killed): keep trying until told to stop


def _burst_then_kill(base: str, town: Town, kill: Callable[[], None]) -> Answered:
    answered, stop = Answered(), threading.Event()
    threads = [threading.Thread(target=_client, args=(base, town, n, answered, stop), daemon=True)
               for n in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: answered.count() >= 20, 30, "the first answers of the burst")
        time.sleep(BURST_SECONDS)
        kill()  # while every client has a request in flight
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    return answered


async def _counts(s, column, *where) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """How many rows there are per value of ``column`` (one grouped query, not one per row)."""
    return dict((await s.execute(select(column, func.count()).where(*where).group_by(column))).all())


async def _check_everything_answered_is_whole(db: Database, town: Town, answered: Answered) -> None:
    status_ids = {sid for _, sid in answered.posts}
    async with db.read() as s:
        found = set(await s.scalars(select(Status.id).where(Status.id.in_(status_ids), Status.deleted_at.is_(None))))
        assert found == status_ids, f"{len(status_ids - found)} answered posts are missing"
        # Every post in the database (answered or not: some committed as the kill came) is whole.
        posts = (await s.execute(select(Status.id, Status.account_id).where(
            Status.account_id.in_(town.citizens)))).all()
        ids = [sid for sid, _ in posts]
        feeds = await _counts(s, HomeFeedEntry.status_id, HomeFeedEntry.status_id.in_(ids))
        searchable = await _counts(s, StatusSearchTerm.status_id, StatusSearchTerm.status_id.in_(ids))
        for sid in ids:
            assert feeds.get(sid) == len(town.citizens), f"post {sid}: feeds not all written"
            assert searchable.get(sid), f"post {sid} has no search terms"
        for account_id in town.citizens:
            account = await s.get(Account, account_id)
            assert account.statuses_count == sum(1 for _, a in posts if a == account_id)

        faved = set(answered.favourites)
        rows = {(a, b) for a, b in await s.execute(select(Favourite.account_id, Favourite.status_id))}
        assert faved <= rows, f"{len(faved - rows)} answered favourites are missing"
        targets = {sid for _, sid in rows}
        for sid in targets:
            status = await s.get(Status, sid)
            assert status.favourites_count == sum(1 for _, t in rows if t == sid), f"post {sid}: count"

        cases = set(await s.scalars(select(Case.id).where(Case.id.in_(answered.open311))))
        assert cases == set(answered.open311), f"{len(set(answered.open311) - cases)} answered cases missing"
        # Every case: its Open311 row, a first event, a number of its own, and the year's counter past it.
        events = await _counts(s, CaseEvent.case_id)
        open311 = set(await s.scalars(select(ServiceRequest.case_id)))
        for case in await s.scalars(select(Case)):
            assert case.status and case.number
            assert case.id in open311 or case.channel != "open311"
            assert events.get(case.id), f"case {case.id} has no event"
        numbers = list(await s.scalars(select(Case.number)))
        assert len(numbers) == len(set(numbers))


async def _check_jobs_ran_once_in_effect(db: Database, town: Town, answered: Answered) -> None:
    async with db.read() as s:
        open_jobs = (await s.execute(select(Job.name, Job.state, Job.last_error).where(
            Job.state.in_(("running", "failed")) | ((Job.state == "pending") & (Job.attempts > 0))))).all()
        assert open_jobs == [], open_jobs
        favourites = (await s.execute(select(Favourite.id, Favourite.account_id, Favourite.status_id))).all()
        notified = await _counts(s, Notification.activity_id, Notification.type == "favourite")
        authors = dict((await s.execute(select(Status.id, Status.account_id).where(
            Status.id.in_({sid for _, _, sid in favourites})))).all())
        for fav_id, who, sid in favourites:
            expected = 0 if authors[sid] == who else 1  # nobody is told of their own favourite
            assert notified.get(fav_id, 0) == expected, f"favourite {fav_id}: {notified.get(fav_id, 0)} notifications"
        to_city = list(await s.scalars(select(Status.id).where(
            Status.account_id.in_(town.citizens), Status.text.like("@anyanglove%"))))
        assert set(answered.to_city) <= set(to_city)
        items = await _counts(s, InboxItem.source_status_id, InboxItem.source_status_id.in_(to_city))
        mentions = await _counts(s, Notification.status_id, Notification.type == "mention",
                                 Notification.account_id == town.org_id)
        for sid in to_city:
            assert items.get(sid) == 1, f"post {sid} to the city: {items.get(sid)} inbox items"
            assert mentions.get(sid) == 1, f"post {sid}: {mentions.get(sid)} mention notifications"


async def _run_what_is_left(db: Database) -> None:
    """The in-process runner after the restart. A job the killed worker held is `running` under
    a lease (300 s in production); a short lease here lets it be claimed again now."""
    register_jobs()
    await asyncio.sleep(1.1)
    await Worker(db, lease_seconds=1.0).run_until_idle(timeout=60)


async def test_kill_9_during_a_burst_loses_nothing_answered(database_url: str, tmp_path: Path) -> None:
    town = await make_town(database_url)
    env = serve_env(database_url, tmp_path / "media")
    with madang_serve(env, tmp_path / "first.log") as server:
        answered = _burst_then_kill(server.base, town, server.kill9)
    assert len(answered.posts) >= 10 and answered.favourites and answered.open311 and answered.to_city, answered

    # The restarted server serves every post and case it said it had made.
    with madang_serve({**env, "MADANG_EMBEDDED_WORKER": "false"}, tmp_path / "second.log") as server:
        with httpx.Client(base_url=server.base, timeout=10) as http:
            for _, sid in answered.posts:
                assert http.get(f"/api/v1/statuses/{sid}").status_code == 200
            for case_id in answered.open311:
                assert http.get(f"/open311/v2/requests/{case_id}.json").status_code == 200
    db = Database(database_url, pool_size=2)
    try:
        async with db.read() as s:
            left = dict((await s.execute(select(Job.state, func.count()).group_by(Job.state))).all())
        print(f"answered before the kill: {len(answered.posts)} posts ({len(answered.to_city)} to the city), "
              f"{len(answered.favourites)} favourites, {len(answered.open311)} Open311 requests; jobs: {left}")
        assert left.get("pending", 0) + left.get("running", 0), "no job was left to run after the kill"
        await _check_everything_answered_is_whole(db, town, answered)
        await _run_what_is_left(db)
        await _check_jobs_ran_once_in_effect(db, town, answered)
    finally:
        await db.dispose()
