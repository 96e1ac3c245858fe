"""Counters a post moves: its author's statuses_count and last_status_at, its parent's replies_count.

As on Mastodon, a direct message counts toward neither (the profile would betray that a
private conversation happened), and only public or unlisted replies count toward
replies_count (a followers-only reply must not show up as a number to everyone).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.fast_write import FastStatement
from madang.models import Account, Status

COUNTED_REPLIES = ("public", "unlisted")


def local_date(when: datetime, time_zone: str) -> date:
    """The day as the instance's readers see it: a post at 08:00 in Seoul is that day's,
    not the previous UTC day's."""
    return when.astimezone(ZoneInfo(time_zone)).date()


async def count_post(session: AsyncSession, status: Status, *, delta: int, time_zone: str = "Asia/Seoul") -> None:
    """Apply a post's (delta=1) or its removal's (delta=-1) effect on the counters."""
    if status.visibility != "direct":
        await adjust_statuses_count(session, status.account_id, delta,
                                    last_status=status.created_at if delta > 0 else None, time_zone=time_zone)
    if status.in_reply_to_id is not None and status.visibility in COUNTED_REPLIES:
        values = {"replies_count": Status.replies_count + delta}
        stmt = update(Status).where(Status.id == status.in_reply_to_id)
        if delta < 0:
            stmt = stmt.where(Status.replies_count > 0)
        await session.execute(stmt.values(**values).execution_options(synchronize_session=False))


# Every post runs this one: built and compiled once (db.fast_write).
_COUNT_POST = FastStatement(lambda dialect: update(Account.__table__)
                            .where(Account.__table__.c.id == bindparam("account_id"))
                            .values(statuses_count=Account.__table__.c.statuses_count + bindparam("delta"),
                                    last_status_at=bindparam("day", type_=Date)))


async def adjust_statuses_count(
    session: AsyncSession, account_id: int, delta: int, *, last_status: datetime | None = None,
    time_zone: str = "Asia/Seoul",
) -> None:
    if delta > 0 and last_status is not None:
        await _COUNT_POST.run(session, {"account_id": account_id, "delta": delta,
                                        "day": local_date(last_status, time_zone)})
        return
    values: dict = {"statuses_count": Account.statuses_count + delta}
    if last_status is not None:
        values["last_status_at"] = local_date(last_status, time_zone)
    stmt = update(Account).where(Account.id == account_id)
    if delta < 0:
        stmt = stmt.where(Account.statuses_count > 0)
    # No in-session synchronisation: callers re-read counters (it was a third of the cost).
    await session.execute(stmt.values(**values).execution_options(synchronize_session=False))
