"""Sign-up rules: every bad input raises and writes nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from madang.accounts import register_account, registration
from madang.core.errors import Conflict, DomainError, Invalid
from madang.db import Database
from madang.models import Account, User
from tests.accounts.factories import BASE_URL, PASSWORD, make_user


async def _row_counts(db: Database) -> tuple[int, int]:
    async with db.read() as s:
        return (
            await s.scalar(select(func.count()).select_from(Account)),
            await s.scalar(select(func.count()).select_from(User)),
        )


async def test_register_sets_account_and_user(db: Database) -> None:
    at = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    async with db.write() as s:
        account, user = await register_account(
            s, username="Anyang_City", email="  Desk@Anyang.GO.kr ", password=PASSWORD,
            display_name=" 안양시 ", note="안양시 공식 계정\n민원은 @desk", base_url=BASE_URL + "/",
            now=at, organisation=True, verified=True, locked=True, bot=False, confirmed=False,
        )
    async with db.read() as s:
        account = await s.get(Account, account.id)
        user = await s.get(User, user.id)
        assert account.username == "Anyang_City"
        assert account.acct_key == "anyang_city"
        assert account.domain is None and account.is_local
        assert account.uri == "https://madang.test/users/Anyang_City"
        assert account.url == "https://madang.test/@Anyang_City"
        assert account.display_name == "안양시"
        assert account.note_html == "<p>안양시 공식 계정<br />민원은 @desk</p>"
        assert account.organisation and account.locked and not account.bot
        assert account.verified_at == at and account.created_at == at
        assert (account.followers_count, account.following_count, account.statuses_count) == (0, 0, 0)
        assert account.avatar_path is None and account.header_path is None
        assert user.account_id == account.id
        assert user.email == "desk@anyang.go.kr"
        assert user.password_hash.startswith("$argon2id$")
        assert user.confirmed_at is None and user.locale == "ko"


async def test_confirmed_by_default(db: Database) -> None:
    async with db.write() as s:
        _, user = await make_user(s)
    assert user.confirmed_at is not None


BAD_INPUT = [
    ({"username": ""}, "username"),
    ({"username": "a" * 31}, "username"),
    ({"username": "안양"}, "username"),
    ({"username": "an-yang"}, "username"),
    ({"username": "an yang"}, "username"),
    ({"username": "anyang.city"}, "username"),
    ({"username": "admin"}, "username"),
    ({"username": "Admin"}, "username"),
    ({"username": "madang"}, "username"),
    ({"username": "oauth"}, "username"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "a@b"}, "email"),
    ({"email": "two@at@example.test"}, "email"),
    ({"password": "short"}, "password"),
    ({"password": "x" * 129}, "password"),
    ({"display_name": "가" * 31}, "display_name"),
    ({"note": "가" * 501}, "note"),
]


# One database for all cases: a fresh PostgreSQL database per case costs more than the test.
async def test_bad_input_is_invalid_and_writes_nothing(db: Database) -> None:
    for overrides, field in BAD_INPUT:
        async with db.write() as s:
            with pytest.raises(Invalid) as caught:
                await make_user(s, **{"username": "fine_name", **overrides})
        assert caught.value.field == field, overrides
        assert await _row_counts(db) == (0, 0), overrides


async def test_limits_are_inclusive(db: Database) -> None:
    async with db.write() as s:
        account, _ = await make_user(
            s, username="a" * 30, password="x" * 8, display_name="가" * 30, note="나" * 500
        )
        await make_user(s, username="b", password="y" * 128)
    assert len(account.username) == 30


async def test_taken_is_conflict_and_writes_nothing(db: Database) -> None:
    async with db.write() as s:
        await make_user(s, username="anyang", email="Same@Example.test")
    for second, field in [
        ({"username": "Anyang"}, "username"),
        ({"username": "ANYANG"}, "username"),
        ({"username": "two", "email": "same@EXAMPLE.TEST"}, "email"),
    ]:
        async with db.write() as s:
            with pytest.raises(Conflict) as caught:
                await make_user(s, **second)
        assert caught.value.field == field, second
        assert await _row_counts(db) == (1, 1), second


async def test_race_lost_to_constraint_is_conflict_and_session_usable(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a concurrent sign-up wins between the check and the insert, the unique
    constraint decides; the caller's transaction stays usable."""
    async with db.write() as s:
        await make_user(s, username="anyang")

    async def nobody(*_args: object) -> bool:
        return False

    monkeypatch.setattr(registration, "username_taken", nobody)
    async with db.write() as s:
        with pytest.raises(Conflict):
            await make_user(s, username="ANYANG")
        await make_user(s, username="pyeongchon")  # the same unit of work goes on
    assert await _row_counts(db) == (2, 2)


async def test_errors_carry_messages(db: Database) -> None:
    async with db.write() as s:
        with pytest.raises(DomainError, match="a-z, 0-9 and _"):
            await make_user(s, username="Hello!")
