"""Follows, follow requests to locked accounts, and the counts they keep."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang.accounts import (
    authorize_follow_request,
    follow_account,
    get_account,
    is_following,
    list_follow_requests,
    reject_follow_request,
    unfollow_account,
)
from madang.core.errors import Invalid, NotFound
from madang.db import Database
from madang.models import Follow, FollowRequest, HomeFeedEntry
from tests.accounts.factories import add_to_home_feeds, make_account


async def _counts(db: Database, account_id: int) -> tuple[int, int]:
    async with db.read() as s:
        account = await get_account(s, account_id)
        return account.followers_count, account.following_count


async def _rows(db: Database, model: type) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_follow_unlocked_is_immediate(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        result = await follow_account(s, account=me, target=them, reblogs=False, notify=True)
        assert result.following and not result.requested and result.created
        assert result.follow is not None and result.request is None
        assert not result.follow.show_reblogs and result.follow.notify
        # The objects in hand carry the new counts too.
        assert (me.following_count, them.followers_count) == (1, 1)
    assert await _counts(db, me.id) == (0, 1)
    assert await _counts(db, them.id) == (1, 0)
    async with db.read() as s:
        assert await is_following(s, me.id, them.id)
        assert not await is_following(s, them.id, me.id)


async def test_follow_again_updates_options_only(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        first = await follow_account(s, account=me, target=them)
        again = await follow_account(s, account=me, target=them, reblogs=False, notify=None)
        assert again.following and not again.created
        assert again.follow.id == first.follow.id
        assert not again.follow.show_reblogs and not again.follow.notify
    assert await _counts(db, them.id) == (1, 0)
    assert await _rows(db, Follow) == 1


async def test_follow_self_is_invalid(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        with pytest.raises(Invalid):
            await follow_account(s, account=me, target=me)
    assert await _rows(db, Follow) == 0


async def test_locked_account_gets_a_request_then_authorizes(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s, locked=True)
        result = await follow_account(s, account=me, target=them, notify=True)
        assert result.requested and not result.following and result.created
        assert result.request is not None and result.follow is None
        again = await follow_account(s, account=me, target=them)
        assert again.requested and not again.created and again.request.id == result.request.id
    assert await _counts(db, them.id) == (0, 0)
    async with db.read() as s:
        them_ = await get_account(s, them.id)
        page = await list_follow_requests(s, account=them_)
        assert [(cursor, a.id) for cursor, a in page] == [(result.request.id, me.id)]
    async with db.write() as s:
        follow = await authorize_follow_request(s, account=them, requester=me)
        assert follow.account_id == me.id and follow.target_account_id == them.id
        assert not follow.notify  # the second call reset it to the default
        with pytest.raises(NotFound):
            await authorize_follow_request(s, account=them, requester=me)
    assert await _rows(db, FollowRequest) == 0
    assert await _counts(db, them.id) == (1, 0)
    assert await _counts(db, me.id) == (0, 1)


async def test_reject_request(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s, locked=True)
        await follow_account(s, account=me, target=them)
        await reject_follow_request(s, account=them, requester=me)
        with pytest.raises(NotFound):
            await reject_follow_request(s, account=them, requester=me)
    assert await _rows(db, FollowRequest) == 0
    assert await _rows(db, Follow) == 0
    assert await _counts(db, them.id) == (0, 0)


async def test_unfollow_decrements_and_is_idempotent(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s)
        await follow_account(s, account=me, target=them)
    async with db.write() as s:
        me_, them_ = await get_account(s, me.id), await get_account(s, them.id)
        await unfollow_account(s, account=me_, target=them_)
        assert (me_.following_count, them_.followers_count) == (0, 0)
        await unfollow_account(s, account=me_, target=them_)
    assert await _counts(db, me.id) == (0, 0)
    assert await _counts(db, them.id) == (0, 0)
    assert await _rows(db, Follow) == 0


async def test_unfollow_withdraws_a_pending_request(db: Database) -> None:
    async with db.write() as s:
        me, them = await make_account(s), await make_account(s, locked=True)
        await follow_account(s, account=me, target=them)
        await unfollow_account(s, account=me, target=them)
    assert await _rows(db, FollowRequest) == 0


async def test_unfollow_clears_their_posts_from_my_home_feed(db: Database) -> None:
    async with db.write() as s:
        me, them, other = await make_account(s), await make_account(s), await make_account(s)
        await add_to_home_feeds(s, author=them, owners=[me, other])
        await add_to_home_feeds(s, author=other, owners=[me])
        await follow_account(s, account=me, target=them)
    async with db.write() as s:
        await unfollow_account(s, account=me, target=them)
    async with db.read() as s:
        rows = (await s.execute(select(HomeFeedEntry.account_id, HomeFeedEntry.author_id))).all()
    assert sorted(rows) == sorted([(me.id, other.id), (other.id, them.id)])
