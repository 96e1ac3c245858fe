"""Follow counts stay equal to the real rows, even when units of work run at once."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import func, select

from madang.accounts import (
    block_account,
    follow_account,
    get_account,
    unblock_account,
    unfollow_account,
)
from madang.core.errors import Forbidden
from madang.db import Database
from madang.models import Follow
from tests.accounts.factories import make_account


async def _assert_counts_match_rows(db: Database, ids: list[int]) -> None:
    async with db.read() as s:
        for account_id in ids:
            account = await get_account(s, account_id)
            followers = await s.scalar(select(func.count()).where(Follow.target_account_id == account_id))
            following = await s.scalar(select(func.count()).where(Follow.account_id == account_id))
            assert (account.followers_count, account.following_count) == (followers, following)


async def test_sequential_follow_unfollow_keeps_counts(db: Database) -> None:
    async with db.write() as s:
        people = [await make_account(s) for _ in range(4)]
    ids = [p.id for p in people]
    rng = random.Random(7)
    for _ in range(30):
        a, b = rng.sample(ids, 2)
        async with db.write() as s:
            me, them = await get_account(s, a), await get_account(s, b)
            action = rng.choice([follow_account, follow_account, unfollow_account])
            await action(s, account=me, target=them)
    await _assert_counts_match_rows(db, ids)


async def test_concurrent_units_of_work_keep_counts(db: Database) -> None:
    """Many units of work at once, the same pairs on purpose: duplicate follows lose to
    the unique constraint, double unfollows decrement once, crossing follows don't deadlock."""
    async with db.write() as s:
        people = [await make_account(s) for _ in range(4)]
    ids = [p.id for p in people]
    rng = random.Random(11)

    async def one(a: int, b: int, kind: str) -> None:
        async with db.write() as s:
            me, them = await get_account(s, a), await get_account(s, b)
            if kind == "follow":
                await follow_account(s, account=me, target=them)
            elif kind == "unfollow":
                await unfollow_account(s, account=me, target=them)
            elif kind == "block":
                await block_account(s, account=me, target=them)
            else:
                await unblock_account(s, account=me, target=them)

    for _ in range(4):
        jobs = []
        for _ in range(16):
            a, b = rng.sample(ids[:3], 2)  # few pairs, so units of work collide
            kind = rng.choices(["follow", "unfollow", "block", "unblock"], weights=[6, 3, 1, 1])[0]
            jobs.append(one(a, b, kind))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        # Following someone who blocked you in the meantime is refused, nothing else fails.
        assert all(r is None or isinstance(r, Forbidden) for r in results), results
        await _assert_counts_match_rows(db, ids)
