"""Lists as their owner keeps them: create, rename, delete, and nobody else sees them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang import lists
from madang.core.errors import Invalid, NotFound
from madang.models import List, ListAccount
from tests.factories import follow, make_account


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_create_update_delete_and_privacy(db):
    async with db.write() as s:
        owner = await make_account(s, username="owner")
        other = await make_account(s, username="other")
        friend = await make_account(s, username="friend")
        await follow(s, owner, friend)
        row = await lists.create_list(s, owner_id=owner.id, title="  안양 소식  ")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id])
    assert (row.title, row.replies_policy, row.exclusive) == ("안양 소식", "list", False)

    async with db.write() as s:
        changed = await lists.update_list(s, owner_id=owner.id, list_id=row.id, replies_policy="none", exclusive=True)
    assert (changed.title, changed.replies_policy, changed.exclusive) == ("안양 소식", "none", True)

    async with db.read() as s:
        assert [r.id for r in await lists.list_lists(s, owner_id=owner.id)] == [row.id]
        assert await lists.list_lists(s, owner_id=other.id) == []
        with pytest.raises(NotFound):
            await lists.get_list(s, owner_id=other.id, list_id=row.id)
    async with db.write() as s:
        with pytest.raises(NotFound):
            await lists.update_list(s, owner_id=other.id, list_id=row.id, title="가로채기")
        with pytest.raises(NotFound):
            await lists.delete_list(s, owner_id=other.id, list_id=row.id)
    async with db.read() as s:
        assert (await lists.get_list(s, owner_id=owner.id, list_id=row.id)).title == "안양 소식"

    async with db.write() as s:
        await lists.delete_list(s, owner_id=owner.id, list_id=row.id)
    assert await count(db, List) == 0 and await count(db, ListAccount) == 0


@pytest.mark.parametrize("fields", [
    {"title": ""}, {"title": "   "}, {"title": None}, {"title": "가" * 256},
    {"title": "좋은 목록", "replies_policy": "everyone"},
])
async def test_bad_input_writes_nothing(db, fields):
    async with db.write() as s:
        owner = await make_account(s)
    with pytest.raises(Invalid):
        async with db.write() as s:
            await lists.create_list(s, owner_id=owner.id, **fields)
    assert await count(db, List) == 0


async def test_bad_update_changes_nothing(db):
    async with db.write() as s:
        owner = await make_account(s)
        row = await lists.create_list(s, owner_id=owner.id, title="동네", replies_policy="followed")
    for fields in ({"title": ""}, {"title": "새 이름", "replies_policy": "bogus"}):
        with pytest.raises(Invalid):
            async with db.write() as s:
                await lists.update_list(s, owner_id=owner.id, list_id=row.id, **fields)
    async with db.read() as s:
        again = await lists.get_list(s, owner_id=owner.id, list_id=row.id)
    assert (again.title, again.replies_policy) == ("동네", "followed")


async def test_at_most_fifty_lists(db):
    async with db.write() as s:
        owner = await make_account(s)
        for n in range(lists.MAX_LISTS):
            await lists.create_list(s, owner_id=owner.id, title=f"목록 {n}")
    with pytest.raises(Invalid, match="maximum number of lists"):
        async with db.write() as s:
            await lists.create_list(s, owner_id=owner.id, title="하나 더")
    assert await count(db, List) == lists.MAX_LISTS
