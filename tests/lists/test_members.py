"""Members: only followed accounts, all or nothing, and they leave on unfollow or block."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select

from madang import lists
from madang.accounts import block_account, follow_account, unfollow_account
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db.paging import Page
from madang.models import ListAccount
from tests.factories import follow, make_account


async def members(db, owner, list_id, page=None) -> list[int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return [a.id for _, a in await lists.list_list_accounts(s, owner_id=owner.id, list_id=list_id, page=page)]


async def test_add_only_followed_accounts_all_or_nothing(db):
    async with db.write() as s:
        owner = await make_account(s, username="owner")
        friend = await make_account(s, username="friend")
        stranger = await make_account(s, username="stranger")
        locked = await make_account(s, username="locked", locked=True)
        await follow(s, owner, friend)
        await follow_account(s, account=owner, target=locked)  # only a request: not followed yet
        row = await lists.create_list(s, owner_id=owner.id, title="친구")
    for ids in ([friend.id, stranger.id], [locked.id], [friend.id, 999_999_999]):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=ids)
    assert await members(db, owner, row.id) == []
    with pytest.raises(Invalid):
        async with db.write() as s:
            await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[])

    async with db.write() as s:
        # The owner may be on their own list, as on Mastodon.
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id, owner.id])
    assert sorted(await members(db, owner, row.id)) == sorted([friend.id, owner.id])
    with pytest.raises(Conflict):
        async with db.write() as s:
            await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id])

    async with db.write() as s:
        await lists.remove_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id, stranger.id])
    assert await members(db, owner, row.id) == [owner.id]


async def test_someone_elses_list_is_not_found(db):
    async with db.write() as s:
        owner = await make_account(s)
        intruder = await make_account(s)
        friend = await make_account(s)
        await follow(s, owner, friend)
        await follow(s, intruder, friend)
        row = await lists.create_list(s, owner_id=owner.id, title="비공개")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id])
    for action in (lists.add_list_accounts, lists.remove_list_accounts):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await action(s, owner_id=intruder.id, list_id=row.id, account_ids=[friend.id])
    with pytest.raises(NotFound):
        await members(db, intruder, row.id)
    assert await members(db, owner, row.id) == [friend.id]


async def test_member_pages_newest_first(db):
    async with db.write() as s:
        owner = await make_account(s)
        friends = [await make_account(s) for _ in range(5)]
        for f in friends:
            await follow(s, owner, f)
        row = await lists.create_list(s, owner_id=owner.id, title="많은 친구")
        for f in friends:
            await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[f.id])
    newest_first = [f.id for f in reversed(friends)]
    assert await members(db, owner, row.id) == newest_first
    async with db.read() as s:
        first = await lists.list_list_accounts(s, owner_id=owner.id, list_id=row.id, page=Page(limit=2))
        rest = await lists.list_list_accounts(s, owner_id=owner.id, list_id=row.id,
                                              page=Page(limit=40, max_id=first[-1][0]))
    assert [a.id for _, a in first] + [a.id for _, a in rest] == newest_first


async def test_unfollow_and_block_take_members_off_only_that_owners_lists(db):
    async with db.write() as s:
        owner = await make_account(s, username="owner")
        neighbour = await make_account(s, username="neighbour")
        a = await make_account(s, username="aaa")
        b = await make_account(s, username="bbb")
        for who in (owner, neighbour):
            await follow(s, who, a)
            await follow(s, who, b)
        mine = await lists.create_list(s, owner_id=owner.id, title="내 목록")
        theirs = await lists.create_list(s, owner_id=neighbour.id, title="이웃 목록")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=mine.id, account_ids=[a.id, b.id])
        await lists.add_list_accounts(s, owner_id=neighbour.id, list_id=theirs.id, account_ids=[a.id, b.id])
    async with db.write() as s:
        await unfollow_account(s, account=owner, target=a)
    assert await members(db, owner, mine.id) == [b.id]
    async with db.write() as s:
        # Blocked by b: the block ends owner's follow of b, so b leaves owner's lists too.
        await block_account(s, account=b, target=owner)
    assert await members(db, owner, mine.id) == []
    assert sorted(await members(db, neighbour, theirs.id)) == sorted([a.id, b.id])
    async with db.read() as s:
        assert [r.id for r in await lists.list_lists_containing(s, owner_id=neighbour.id, account_id=a.id)] == [theirs.id]
        assert await lists.list_lists_containing(s, owner_id=owner.id, account_id=a.id) == []


async def test_exclusive_member_query_takes_a_bind_parameter(db):
    async with db.write() as s:
        owner = await make_account(s)
        a, b, c = [await make_account(s) for _ in range(3)]
        for who in (a, b, c):
            await follow(s, owner, who)
        excl = await lists.create_list(s, owner_id=owner.id, title="따로 보기", exclusive=True)
        plain = await lists.create_list(s, owner_id=owner.id, title="그냥")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=excl.id, account_ids=[a.id, owner.id])
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=plain.id, account_ids=[b.id])
    stmt = lists.exclusive_member_ids_query(bindparam("viewer"))
    async with db.read() as s:
        assert set(await s.scalars(stmt, {"viewer": owner.id})) == {a.id}  # never the viewer
        assert set(await s.scalars(stmt, {"viewer": a.id})) == set()
        assert await s.scalar(select(ListAccount.id).where(ListAccount.account_id == c.id)) is None
