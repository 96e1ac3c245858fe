"""Small factories for account tests (and for any package that needs accounts)."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import register_account
from madang.models import Account, HomeFeedEntry, Status, User

BASE_URL = "https://madang.test"
PASSWORD = "correct horse battery"

_numbers = itertools.count(1)


async def make_user(session: AsyncSession, **overrides: Any) -> tuple[Account, User]:
    """A registered local account and its user; any register_account argument overrides."""
    username = overrides.pop("username") if "username" in overrides else f"citizen{next(_numbers)}"
    arguments: dict[str, Any] = {
        "username": username,
        "email": f"{username.lower()}@example.test",
        "password": PASSWORD,
        "base_url": BASE_URL,
    }
    arguments.update(overrides)
    return await register_account(session, **arguments)


async def make_account(session: AsyncSession, **overrides: Any) -> Account:
    account, _ = await make_user(session, **overrides)
    return account


async def add_to_home_feeds(session: AsyncSession, *, author: Account, owners: list[Account]) -> Status:
    """A bare status by ``author`` placed in each owner's home feed, as fan-out would;
    enough for tests of what unfollow and block clear away."""
    status = Status(account_id=author.id, text="안녕하세요", content="<p>안녕하세요</p>",
                    created_at=datetime.now(timezone.utc))
    session.add(status)
    await session.flush()
    session.add_all(
        HomeFeedEntry(account_id=owner.id, status_id=status.id, author_id=author.id) for owner in owners
    )
    await session.flush()
    return status
