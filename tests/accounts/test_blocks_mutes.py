"""Blocks end follows both ways and forbid new ones; mutes hide, and may lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from madang.accounts import (
    block_account,
    blocked_account_ids,
    blocked_either_way,
    follow_account,
    get_account,
    list_blocks,
    list_mutes,
    mute_account,
    muted_account_ids,
    unblock_account,
    unmute_account,
)
from madang.core.clock import FrozenClock
from madang.core.errors import Forbidden, Invalid
from madang.db import Database
from madang.models import Block, Follow, FollowRequest, HomeFeedEntry, Mute
from tests.accounts.factories import add_to_home_feeds, make_account


async def _count(db: Database, model: type) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_block_removes_follows_both_ways_and_counts_drop(db: Database) -> None:
    async with db.write() as s:
        me, them, third = await make_account(s), await make_account(s), await make_account(s)
        await follow_account(s, account=me, target=them)
        await follow_account(s, account=them, target=me)
        await follow_account(s, account=third, target=them)
        await add_to_home_feeds(s, author=them, owners=[me, third])
        await add_to_home_feeds(s, author=me, owners=[them, third])
    async with db.write() as s:
        me_, them_ = await get_account(s, me.id), await get_account(s, them.id)
        block = await block_account(s, account=me_, target=them_)
        assert (block.account_id, block.target_account_id) == (me.id, them.id)
        assert await block_account(s, account=me_, target=them_) is block  # idempotent
    async with db.read() as s:
        me_, them_ = await get_account(s, me.id), await get_account(s, them.id)
        assert (me_.followers_count, me_.following_count) == (0, 0)
        assert (them_.followers_count, them_.following_count) == (1, 0)
        follows = (await s.execute(select(Follow.account_id, Follow.target_account_id))).all()
        assert follows == [(third.id, them.id)]
        feeds = (await s.execute(select(HomeFeedEntry.account_id, HomeFeedEntry.author_id))).all()
        assert sorted(feeds) == sorted([(third.id, them.id), (third.id, me.id)])
        assert await blocked_either_way(s, me.id, them.id)
        assert await blocked_either_way(s, them.id, me.id)
        assert not await blocked_either_way(s, me.id, third.id)
        assert await blocked_account_ids(s, me.id) == {them.id}
        assert await blocked_account_ids(s, them.id) == {me.id}
    assert await _count(db, Block) == 1


async def test_block_removes_requests_both_ways(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s, locked=True), await make_account(s, locked=True)
        await follow_account(s, account=me, target=them)
        await follow_account(s, account=them, target=me)
        await block_account(s, account=them, target=me)
    assert await _count(db, FollowRequest) == 0


@pytest.mark.parametrize("direction", ["i_block", "they_block"])
async def test_follow_while_blocked_is_forbidden(db: Database, direction: str) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        blocker, blocked = (me, them) if direction == "i_block" else (them, me)
        await block_account(s, account=blocker, target=blocked)
        with pytest.raises(Forbidden):
            await follow_account(s, account=me, target=them)
    assert await _count(db, Follow) == 0


async def test_unblock_is_idempotent_and_allows_following_again(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        await block_account(s, account=me, target=them)
        await unblock_account(s, account=me, target=them)
        await unblock_account(s, account=me, target=them)
        assert (await follow_account(s, account=me, target=them)).following
    assert await _count(db, Block) == 0


async def test_block_and_mute_self_are_invalid(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        with pytest.raises(Invalid):
            await block_account(s, account=me, target=me)
        with pytest.raises(Invalid):
            await mute_account(s, account=me, target=me)


async def test_mute_keeps_follows_and_lists(db: Database) -> None:
    async with db.write() as s:
        me, them, other = await make_account(s), await make_account(s), await make_account(s)
        await follow_account(s, account=me, target=them)
        first = await mute_account(s, account=me, target=them, notifications=False)
        assert first.expires_at is None and not first.hide_notifications
        again = await mute_account(s, account=me, target=them)
        assert again.id == first.id and again.hide_notifications
        second = await mute_account(s, account=me, target=other)
    async with db.read() as s:
        me_ = await get_account(s, me.id)
        assert await muted_account_ids(s, me.id) == {them.id, other.id}
        assert await muted_account_ids(s, them.id) == set()
        page = await list_mutes(s, account=me_)
        assert [(cursor, a.id) for cursor, a in page] == [(second.id, other.id), (first.id, them.id)]
        assert me_.following_count == 1
    async with db.write() as s:
        await unmute_account(s, account=me, target=them)
        await unmute_account(s, account=me, target=them)
    assert await _count(db, Mute) == 1


async def test_mute_with_duration_lapses(db: Database, frozen_clock: FrozenClock) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        mute = await mute_account(s, account=me, target=them, duration=3600)
        assert mute.expires_at == frozen_clock.now() + timedelta(hours=1)
        with pytest.raises(Invalid):
            await mute_account(s, account=me, target=them, duration=-1)
    async with db.read() as s:
        assert await muted_account_ids(s, me.id) == {them.id}
    frozen_clock.advance(seconds=3599)
    async with db.read() as s:
        assert await muted_account_ids(s, me.id) == {them.id}
    frozen_clock.advance(seconds=2)
    async with db.read() as s:
        assert await muted_account_ids(s, me.id) == set()
        assert await list_mutes(s, account=await get_account(s, me.id)) == []
    # Muting again after it lapsed starts a fresh period.
    async with db.write() as s:
        await mute_account(s, account=me, target=them, duration=60)
    async with db.read() as s:
        assert await muted_account_ids(s, me.id) == {them.id}


async def test_list_blocks_newest_first(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        targets = [await make_account(s) for _ in range(3)]
        blocks = [await block_account(s, account=me, target=t) for t in targets]
    async with db.read() as s:
        me_ = await get_account(s, me.id)
        page = await list_blocks(s, account=me_, limit=2)
        assert [(c, a.id) for c, a in page] == [(blocks[2].id, targets[2].id), (blocks[1].id, targets[1].id)]
        page = await list_blocks(s, account=me_, max_id=blocks[1].id)
        assert [a.id for _, a in page] == [targets[0].id]
