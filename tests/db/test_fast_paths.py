"""The fast statements (db.fast_select, db.fast_write) store and read the values the ORM
would, on both databases: timestamps with their zone, booleans, JSON, defaults."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, select

from madang.db import Database
from madang.db.fast_select import FastSelect
from madang.db.fast_write import FastInsert
from madang.models import Account, HomeFeedEntry, Status
from madang.models.accounts import AccountNames
from tests.factories import make_account

WHEN = datetime(2026, 11, 25, 3, 4, 5, 678_000, tzinfo=timezone.utc)
STATUSES = FastInsert(Status.__table__)
FEED = FastInsert(HomeFeedEntry.__table__, ignore_conflicts=True)
_S, _A = Status.__table__.c, Account.__table__.c
BY_IDS = FastSelect(select(*_S).where(_S.id.in_(bindparam("ids", expanding=True))), name="StatusRow", lists=["ids"])
ACCOUNT = FastSelect(select(*_A).where(_A.id == bindparam("id")), name="AccountRow", mixin=AccountNames)


async def test_inserted_rows_read_back_as_the_orm_reads_them(db: Database) -> None:
    async with db.write() as s:
        author = await make_account(s, username="anyang")
    async with db.write() as s:
        await STATUSES.run(s, [
            {"id": 101, "account_id": author.id, "uri": "u1", "url": "l1", "local": True, "text": "안양 #1",
             "content": "<p>안양</p>", "spoiler_text": "", "sensitive": True, "language": "ko",
             "visibility": "public", "created_at": WHEN},
            {"id": 102, "account_id": author.id, "uri": "u2", "url": "l2", "local": False, "text": "둘",
             "content": "<p>둘</p>", "spoiler_text": "주의", "sensitive": False, "language": "ko",
             "visibility": "private", "created_at": WHEN, "edited_at": WHEN},
        ])
        await FEED.run(s, [{"account_id": author.id, "status_id": 101, "author_id": author.id}] * 2)
    async with db.read() as s:
        first = await s.get(Status, 101)
        second = await s.get(Status, 102)
        feed = list(await s.scalars(select(HomeFeedEntry).where(HomeFeedEntry.account_id == author.id)))
    assert first is not None and second is not None
    assert (first.created_at, first.sensitive, first.local, first.edited_at) == (WHEN, True, True, None)
    assert first.created_at.tzinfo is not None
    assert (second.edited_at, second.sensitive, second.local, second.spoiler_text) == (WHEN, False, False, "주의")
    # Python-side defaults are applied: counters start at 0.
    assert (first.replies_count, first.favourites_count, first.reblogs_count) == (0, 0, 0)
    assert len(feed) == 1  # the duplicate was ignored

    async with db.read() as s:
        rows = {r.id: r for r in await BY_IDS.all(s, {"ids": [101, 102, 999]})}
        account = await ACCOUNT.first(s, {"id": author.id})
    assert set(rows) == {101, 102}
    for orm in (first, second):
        row = rows[orm.id]
        for column in Status.__table__.columns:
            assert getattr(row, column.name) == getattr(orm, column.name), column.name
    assert account.acct == "anyang" and account.is_local
    assert account.fields == [] and account.locked is False and account.created_at.tzinfo is not None


async def test_a_failed_insert_changes_nothing(db: Database) -> None:
    async with db.write() as s:
        author = await make_account(s)
    with pytest.raises(Exception):
        async with db.write() as s:
            await FEED.run(s, [{"account_id": author.id, "status_id": 7, "author_id": author.id}])
            await STATUSES.run(s, [{"id": 1, "account_id": author.id}])  # NOT NULL columns missing
    async with db.read() as s:
        assert list(await s.scalars(select(HomeFeedEntry).where(HomeFeedEntry.status_id == 7))) == []
