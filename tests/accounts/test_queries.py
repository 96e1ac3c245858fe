"""Finding accounts by id, acct and username batches."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from madang.accounts import (
    find_account,
    find_account_by_acct,
    find_local_accounts_by_usernames,
    find_user_for_account,
    get_account,
    get_accounts,
    list_accounts,
)
from madang.core.errors import NotFound
from madang.core.ids import new_id
from madang.db import Database
from madang.models import Account
from tests.accounts.factories import make_account, make_user


def _remote(username: str, domain: str) -> Account:
    now = datetime.now(timezone.utc)
    return Account(
        id=new_id(), username=username, domain=domain, acct_key=f"{username}@{domain}".lower(),
        created_at=now, updated_at=now,
    )


async def test_get_and_find(db: Database) -> None:
    async with db.write() as s:
        account, user = await make_user(s)
    async with db.read() as s:
        assert (await get_account(s, account.id)).id == account.id
        assert (await find_account(s, account.id)).id == account.id
        assert await find_account(s, 12345) is None
        with pytest.raises(NotFound):
            await get_account(s, 12345)
        assert (await find_user_for_account(s, account.id)).id == user.id


ACCTS = [
    ("Jiwoo", "jiwoo"),
    ("@jiwoo", "jiwoo"),
    ("jiwoo@madang.test", "jiwoo"),
    ("@JIWOO@Madang.Test", "jiwoo"),
    ("jiwoo@other.example", "remote"),
    ("@Jiwoo@OTHER.example", "remote"),
    ("nobody", None),
    ("", None),
    ("@", None),
    ("a@b@c", None),
]


async def test_find_account_by_acct(db: Database) -> None:
    async with db.write() as s:
        local = await make_account(s, username="jiwoo")
        remote = _remote("Jiwoo", "other.example")
        s.add(remote)
    ids = {"jiwoo": local.id, "remote": remote.id, None: None}
    async with db.read() as s:
        for acct, expected in ACCTS:
            found = await find_account_by_acct(s, acct, local_domain="madang.test")
            assert (found.id if found else None) == ids[expected], acct


async def test_batches_are_one_query(db: Database) -> None:
    async with db.write() as s:
        a = await make_account(s, username="Hana")
        b = await make_account(s, username="dul")
        s.add(_remote("hana", "other.example"))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.read_sync_engine, "before_cursor_execute", count)
    try:
        async with db.read() as s:
            by_name = await find_local_accounts_by_usernames(s, ["HANA", "dul", "set", "dul"])
            by_name = {k: v.id for k, v in by_name.items()}
            by_id = await get_accounts(s, [a.id, b.id, 999])
            assert await get_accounts(s, []) == {}
            assert await find_local_accounts_by_usernames(s, []) == {}
    finally:
        event.remove(db.read_sync_engine, "before_cursor_execute", count)
    assert by_name == {"hana": a.id, "dul": b.id}
    assert set(by_id) == {a.id, b.id}
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 2


async def test_list_accounts(db: Database) -> None:
    async with db.write() as s:
        first = await make_account(s)
        second = await make_account(s)
        remote = _remote("far", "other.example")
        s.add(remote)
    async with db.read() as s:
        assert [a.id for a in await list_accounts(s)] == [first.id, second.id]
        assert [a.id for a in await list_accounts(s, limit=1)] == [first.id]
        assert len(await list_accounts(s, local_only=False)) == 3
