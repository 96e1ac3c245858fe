"""Small factories shared by the statuses, timelines, notifications and demo tests.

Each writes through the real use cases, so what a test sets up is what a user's request
would have written (jobs included); call ``run_jobs`` to let the worker act on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang import accounts
from madang.app import register_jobs
from madang.core.clock import utcnow
from madang.db import Database
from madang.db.paging import Page
from madang.jobs import Worker
from madang.models import Account, Job, Notification, Status
from madang.statuses.create import Site, create_status
from madang.timelines.queries import list_home_timeline
from tests.accounts.factories import make_account

__all__ = [
    "SITE", "failed_jobs", "follow", "home_ids", "make_account", "make_status", "notifications_of", "reload",
    "rerun_done_jobs", "run_jobs",
]

SITE = Site(base_url="https://madang.test", domain="madang.test")


async def make_status(
    session: AsyncSession, author: Account, text: str = "안양천 산책 중", *, visibility: str = "public",
    in_reply_to: Status | None = None, **options: Any,
) -> Status:
    if in_reply_to is not None:
        options["in_reply_to_id"] = in_reply_to.id
    return await create_status(session, site=SITE, author=author, text=text, visibility=visibility, **options)


async def follow(session: AsyncSession, follower: Account, followee: Account, **options: Any) -> None:
    """A follow that holds at once (a locked account's request is accepted on the spot)."""
    result = await accounts.follow_account(session, account=follower, target=followee, **options)
    if result.requested:
        await accounts.authorize_follow_request(session, account=followee, requester=follower)


async def run_jobs(db: Database) -> int:
    """Run every due job to the end, as the worker of `madang serve` would."""
    register_jobs()
    return await Worker(db).run_until_idle()


async def rerun_done_jobs(db: Database) -> int:
    """Run every finished job once more, as a worker that crashed after the work but before
    recording it would: what handlers write must not double."""
    async with db.write() as s:
        await s.execute(update(Job).where(Job.state == "done")
                        .values(state="pending", attempts=0, run_at=utcnow(), locked_at=None, locked_by=None))
    return await run_jobs(db)


async def home_ids(db: Database, account: Account, **page: Any) -> list[int]:
    async with db.read() as s:
        return [st.id for st in await list_home_timeline(s, viewer_id=account.id, page=Page(**page))]


async def notifications_of(db: Database, account: Account) -> list[tuple[str, int, int | None]]:
    """(type, from_account_id, status_id) of every notification the account holds, oldest first."""
    async with db.read() as s:
        rows = await s.execute(select(Notification.type, Notification.from_account_id, Notification.status_id)
                               .where(Notification.account_id == account.id).order_by(Notification.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def reload(db: Database, model: type, row_id: int) -> Any:
    """A fresh copy of a row, read in its own session (counters written in SQL show)."""
    async with db.read() as s:
        return await s.get(model, row_id)


async def failed_jobs(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(Job).where(Job.state == "failed")) or 0)
