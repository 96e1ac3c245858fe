"""Helpers for the job queue's tests: a frozen clock, unique handler names, a real table."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from madang.db import Database
from madang.models import Account, Job


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    set_clock(clock)
    yield clock
    set_clock(Clock())


def unique_name(prefix: str = "test") -> str:
    """Handlers live in one process-wide registry: every test names its own."""
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


def make_account(session: AsyncSession, username: str) -> Account:
    now = utcnow()
    account = Account(username=username, acct_key=username.lower(), created_at=now, updated_at=now)
    session.add(account)
    return account


async def count_accounts(db: Database, username: str) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(Account).where(Account.username == username))


async def load_job(db: Database, job_id: int) -> Job:
    async with db.read() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        session.expunge(job)  # read() rolls back at the end, which would expire it
        return job


async def count_jobs(db: Database) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(Job))
