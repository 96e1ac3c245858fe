"""Follower and following pages: exclusive cursors, newest follow first."""

from __future__ import annotations

from madang.accounts import (
    block_account,
    follow_account,
    get_account,
    list_followers,
    list_following,
    unblock_account,
)
from madang.core.clock import utcnow
from madang.db import Database
from tests.accounts.factories import make_account


async def test_followers_paging(db: Database) -> None:
    async with db.write() as s:
        star = await make_account(s)
        fans = [await make_account(s) for _ in range(5)]
        ids = [(await follow_account(s, account=fan, target=star)).follow.id for fan in fans]
    assert ids == sorted(ids)
    expect = {follow_id: fan.id for follow_id, fan in zip(ids, fans)}

    async with db.read() as s:
        star_ = await get_account(s, star.id)

        async def page(**kwargs) -> list[int]:  # type: ignore[no-untyped-def]
            rows = await list_followers(s, account=star_, viewer=None, **kwargs)
            assert all(expect[cursor] == account.id for cursor, account in rows)
            return [cursor for cursor, _ in rows]

        assert await page() == ids[::-1]
        assert await page(limit=2) == [ids[4], ids[3]]
        assert await page(max_id=ids[3], limit=2) == [ids[2], ids[1]]
        assert await page(max_id=ids[1]) == [ids[0]]
        assert await page(max_id=ids[0]) == []
        assert await page(since_id=ids[1]) == [ids[4], ids[3], ids[2]]
        assert await page(since_id=ids[1], limit=2) == [ids[4], ids[3]]
        # min_id: the page just newer than the cursor, still newest first.
        assert await page(min_id=ids[1], limit=2) == [ids[3], ids[2]]
        assert await page(min_id=ids[3]) == [ids[4]]
        assert await page(min_id=ids[4]) == []
        assert await page(since_id=ids[0], max_id=ids[4]) == [ids[3], ids[2], ids[1]]
        assert await page(limit=0) == [ids[4]]  # clamped to at least one


async def test_following_and_hidden_lists(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        idols = [await make_account(s) for _ in range(3)]
        ids = [(await follow_account(s, account=me, target=idol)).follow.id for idol in idols]
        outsider = await make_account(s)
        await block_account(s, account=me, target=outsider)
    async with db.read() as s:
        me_ = await get_account(s, me.id)
        rows = await list_following(s, account=me_, viewer=me_, limit=2)
        assert [(c, a.id) for c, a in rows] == [(ids[2], idols[2].id), (ids[1], idols[1].id)]
        outsider_ = await get_account(s, outsider.id)
        # Someone I block sees my lists empty.
        assert await list_following(s, account=me_, viewer=outsider_) == []
        # Others' lists are not affected by my block.
        idol_ = await get_account(s, idols[0].id)
        assert [a.id for _, a in await list_followers(s, account=idol_, viewer=outsider_)] == [me.id]
    async with db.write() as s:
        await unblock_account(s, account=me, target=outsider)
    async with db.read() as s:
        me_, outsider_ = await get_account(s, me.id), await get_account(s, outsider.id)
        assert len(await list_following(s, account=me_, viewer=outsider_)) == 3


async def test_suspended_accounts_leave_lists(db: Database) -> None:
    async with db.write() as s:
        star, fan, gone = await make_account(s), await make_account(s), await make_account(s)
        await follow_account(s, account=fan, target=star)
        await follow_account(s, account=gone, target=star)
        gone.suspended_at = utcnow()
    async with db.read() as s:
        star_ = await get_account(s, star.id)
        assert [a.id for _, a in await list_followers(s, account=star_, viewer=None)] == [fan.id]
        gone_ = await get_account(s, gone.id)
        assert await list_following(s, account=gone_, viewer=None) == []
