"""Incoming activities processed several to a batch (decision 0041): the real worker claims real
``federation.receive`` jobs and runs them through the batch handler on SQLite and PostgreSQL.
A Create delivered twice stores one status; a post the database refuses fails only its own
job (the others commit, and it stores once when retried); activities keep their order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text

from madang.app import register_jobs
from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from madang.core.ids import new_id
from madang.core.settings import Settings
from madang.db import Database
from madang.federation import config as federation_config
from madang.jobs import Worker, enqueue
from madang.models import Account, Follow, HomeFeedEntry, Job, RemoteTombstone, Status
from tests.accounts.factories import make_user

REMOTE = "https://remote.example"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
async def fed(db: Database) -> AsyncIterator[tuple[Database, int, int, FrozenClock]]:
    """The database with federation attached, a remote actor and a local account following it."""
    register_jobs()
    federation_config.attach(db, Settings())
    clock = FrozenClock(datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc))
    set_clock(clock)
    async with db.write() as session:
        local, _ = await make_user(session)
        now = utcnow()
        actor = Account(id=new_id(), username="kim", domain="remote.example", acct_key="kim@remote.example",
                        uri=f"{REMOTE}/users/kim", inbox_url=f"{REMOTE}/users/kim/inbox",
                        followers_url=f"{REMOTE}/users/kim/followers", created_at=now, updated_at=now, fetched_at=now)
        session.add(actor)
        await session.flush()
        session.add(Follow(id=new_id(), account_id=local.id, target_account_id=actor.id, created_at=now))
        actor_id, local_id = actor.id, local.id
    try:
        yield db, actor_id, local_id, clock
    finally:
        set_clock(Clock())


def create(n: int, text_: str = "안양 소식") -> dict:
    uri = f"{REMOTE}/users/kim"
    note = f"{uri}/statuses/{n}"
    return {"id": f"{note}/activity", "type": "Create", "actor": uri, "to": [PUBLIC], "cc": [f"{uri}/followers"],
            "object": {"id": note, "type": "Note", "attributedTo": uri, "content": f"<p>{text_} {n}</p>",
                       "published": "2026-12-07T05:00:00Z", "to": [PUBLIC], "cc": [f"{uri}/followers"]}}


async def queue(db: Database, actor_id: int, activities: list[dict]) -> list[int]:
    async with db.write() as session:
        return [(await enqueue(session, "federation.receive", {"activity": a, "signer_id": actor_id})).id
                for a in activities]


async def statuses(db: Database) -> dict[str, str]:
    async with db.read() as session:
        return dict((await session.execute(select(Status.uri, Status.content).where(Status.local.is_(False)))).all())


async def states(db: Database, ids: list[int]) -> list[str]:
    async with db.read() as session:
        found = dict((await session.execute(select(Job.id, Job.state).where(Job.id.in_(ids)))).all())
    return [found[i] for i in ids]


async def test_a_batch_with_a_redelivery_stores_each_post_once_and_feeds_the_follower(
        fed: tuple[Database, int, int, FrozenClock]) -> None:
    db, actor_id, local_id, _ = fed
    ids = await queue(db, actor_id, [create(1), create(2), create(1), create(3), create(2)])
    assert await Worker(db, batch=20).run_until_idle() == 5
    assert await states(db, ids) == ["done"] * 5
    stored = await statuses(db)
    assert sorted(stored) == [f"{REMOTE}/users/kim/statuses/{n}" for n in (1, 2, 3)]
    async with db.read() as session:
        feed = await session.scalar(select(func.count()).select_from(HomeFeedEntry)
                                    .where(HomeFeedEntry.account_id == local_id))
        author = await session.get(Account, actor_id)
    assert feed == 3 and author is not None and author.statuses_count == 3
    # Delivered again later (another batch): nothing changes.
    await queue(db, actor_id, [create(3), create(1)])
    await Worker(db, batch=20).run_until_idle()
    assert len(await statuses(db)) == 3


async def _refuse(db: Database, uri: str) -> None:
    """A real refusal by the database (a trigger), for one post only."""
    async with db.write() as session:
        if db.is_sqlite:
            await session.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON statuses WHEN NEW.uri = '{uri}' "
                                       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        else:
            await session.execute(text(f"""CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                IF NEW.uri = '{uri}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END
                $$ LANGUAGE plpgsql"""))
            await session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON statuses "
                                       "FOR EACH ROW EXECUTE FUNCTION refuse()"))


async def _allow(db: Database) -> None:
    async with db.write() as session:
        await session.execute(text("DROP TRIGGER refuse" if db.is_sqlite else "DROP TRIGGER refuse ON statuses"))


async def test_a_post_that_fails_in_a_batch_fails_only_its_own_job(
        fed: tuple[Database, int, int, FrozenClock]) -> None:
    db, actor_id, _, clock = fed
    await _refuse(db, f"{REMOTE}/users/kim/statuses/2")
    ids = await queue(db, actor_id, [create(1), create(2), create(3), create(1)])
    assert await Worker(db, batch=20).run_until_idle() == 4
    assert await states(db, ids) == ["done", "pending", "done", "done"]
    assert sorted(await statuses(db)) == [f"{REMOTE}/users/kim/statuses/{n}" for n in (1, 3)]
    async with db.read() as session:
        failed = await session.get(Job, ids[1])
    assert failed is not None and failed.attempts == 1 and "refused by the test" in (failed.last_error or "")

    await _allow(db)
    clock.advance(seconds=60)
    await Worker(db, batch=20).run_until_idle()
    assert await states(db, ids) == ["done"] * 4
    assert sorted(await statuses(db)) == [f"{REMOTE}/users/kim/statuses/{n}" for n in (1, 2, 3)]


async def test_activities_in_one_batch_keep_their_order(fed: tuple[Database, int, int, FrozenClock]) -> None:
    db, actor_id, _, _ = fed
    uri = f"{REMOTE}/users/kim"
    edited = create(5, "고친 글")["object"] | {"updated": "2026-12-07T05:30:00Z"}
    activities = [
        create(4), {"id": f"{uri}/statuses/4#delete", "type": "Delete", "actor": uri, "object": f"{uri}/statuses/4"},
        create(4),  # after its Delete: the tombstone keeps it out
        create(5), {"id": f"{uri}/statuses/5#update", "type": "Update", "actor": uri, "object": edited},
        create(6),
    ]
    ids = await queue(db, actor_id, activities)
    await Worker(db, batch=20).run_until_idle()  # and the jobs they queue (the edit's notification)
    assert await states(db, ids) == ["done"] * len(ids)
    async with db.read() as session:
        deleted = await session.scalar(select(Status.deleted_at).where(Status.uri == f"{uri}/statuses/4"))
        tomb = await session.scalar(select(func.count()).select_from(RemoteTombstone))
    assert deleted is not None and tomb == 1
    stored = await statuses(db)
    assert "고친 글 5" in stored[f"{uri}/statuses/5"]
    assert f"{uri}/statuses/6" in stored


async def test_activities_queued_before_their_domain_was_suspended_are_dropped(
        fed: tuple[Database, int, int, FrozenClock]) -> None:
    from madang.models import DomainBlock

    db, actor_id, _, _ = fed
    ids = await queue(db, actor_id, [create(7), create(8)])
    async with db.write() as session:  # the row an admin's suspension writes (madang.moderation)
        session.add(DomainBlock(id=new_id(), domain="remote.example", severity="suspend", created_at=utcnow()))
    await Worker(db, batch=20).run_until_idle()
    assert await states(db, ids) == ["done", "done"]  # dropped, not retried
    assert await statuses(db) == {}
