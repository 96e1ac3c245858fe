"""Hashing and login."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from madang.accounts import authenticate, hash_password, needs_rehash, set_password, verify_password
from madang.accounts import passwords
from madang.core.errors import Forbidden, Invalid, Unauthorized
from madang.db import Database
from madang.models import User
from tests.accounts.factories import PASSWORD, make_user


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("비밀번호는 길게")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "비밀번호는 길게")
    assert not verify_password(hashed, "비밀번호는 짧게")
    assert not verify_password("not a hash", "anything")


def test_production_hasher_is_library_default() -> None:
    passwords.use_default_hasher()
    default = PasswordHasher()
    assert passwords._hasher.time_cost == default.time_cost
    assert passwords._hasher.memory_cost == default.memory_cost
    # A cheap test hash is weaker than production wants: it gets upgraded on login.
    passwords.use_fast_hasher_for_tests()
    cheap = hash_password("x" * 8)
    passwords.use_default_hasher()
    assert needs_rehash(cheap)


async def test_authenticate_by_email_or_username(db: Database) -> None:
    async with db.write() as s:
        _, user = await make_user(s, username="SeoYeon", email="seoyeon@example.test")
    async with db.read() as s:
        for login in ["Seoyeon@Example.test", " seoyeon ", "SeoYeon", "@seoyeon"]:
            found = await authenticate(s, login=login, password=PASSWORD)
            assert found.id == user.id, login


async def test_unknown_and_wrong_password_look_the_same(db: Database) -> None:
    async with db.write() as s:
        await make_user(s, username="minjun", email="minjun@example.test")
    messages = []
    async with db.read() as s:
        for login, password in [
            ("minjun", "wrong password"),
            ("minjun@example.test", "wrong password"),
            ("nobody", PASSWORD),
            ("nobody@example.test", PASSWORD),
            ("", PASSWORD),
        ]:
            with pytest.raises(Unauthorized) as caught:
                await authenticate(s, login=login, password=password)
            messages.append(caught.value.message)
    assert len(set(messages)) == 1


async def test_unknown_login_still_runs_the_hash(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    async with db.read() as s:
        with pytest.raises(Unauthorized):
            await authenticate(s, login="nobody", password=PASSWORD)
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


async def test_disabled_login_is_forbidden_only_with_right_password(db: Database) -> None:
    async with db.write() as s:
        _, user = await make_user(s, username="gone")
        user.disabled = True
    async with db.read() as s:
        with pytest.raises(Unauthorized):
            await authenticate(s, login="gone", password="wrong password")
        with pytest.raises(Forbidden):
            await authenticate(s, login="gone", password=PASSWORD)


async def test_weak_hash_is_upgraded_on_login(db: Database) -> None:
    async with db.write() as s:
        _, user = await make_user(s, username="old")
        user.password_hash = PasswordHasher(time_cost=2, memory_cost=8, parallelism=1).hash(PASSWORD)
    async with db.write() as s:
        found = await authenticate(s, login="old", password=PASSWORD)
    assert not needs_rehash(found.password_hash)
    async with db.read() as s:
        stored = await s.get(User, user.id)
        assert stored.password_hash == found.password_hash
        assert verify_password(stored.password_hash, PASSWORD)


async def test_set_password(db: Database) -> None:
    async with db.write() as s:
        _, user = await make_user(s, username="changer")
    async with db.write() as s:
        user = await s.get(User, user.id)
        with pytest.raises(Invalid):
            await set_password(s, user, "short")
        await set_password(s, user, "a much better passphrase")
    async with db.read() as s:
        await authenticate(s, login="changer", password="a much better passphrase")
        with pytest.raises(Unauthorized):
            await authenticate(s, login="changer", password=PASSWORD)
