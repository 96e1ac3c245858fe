"""Daily hashtag use: posts and distinct accounts per tag per day, rewritten by the trends job.

Counted: public and unlisted posts (not reblogs) that are not deleted, by accounts that are
not suspended. Each day is counted again in full from the statuses, so running the job twice
writes the same rows (idempotent), and a deleted post stops counting on the next run.

The counting statements are built here and run by whoever holds a reader (the trends job
runs them off the event loop, see ``trends.reading``); writing the counts is a small insert.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.ids import lowest_id_at
from madang.models import Account, Status, StatusTag, TagDayUse
from madang.statuses.policies import PUBLIC_ISH
from madang.statuses.tag_families import lead_tag_ids
from madang.trends.days import HISTORY_DAYS, day_bounds, recent_days
from madang.trends.reading import RunQuery


def counted_statuses(start: datetime, end: datetime, status: Any = Status) -> list:
    """WHERE conditions for the posts that count towards trends between ``start`` and ``end``."""
    s = status  # may be an alias of Status
    return [
        # Ids are time-ordered snowflakes: the id range walks only that day's posts (an index
        # range on statuses and on statuses_tags), where created_at alone scanned them all
        # (20 s of CPU for a 1M-post instance). created_at stays for posts whose id and time
        # may differ (imported ones).
        s.id >= lowest_id_at(start), s.id < lowest_id_at(end),
        s.created_at >= start, s.created_at < end, s.deleted_at.is_(None),
        # coalesce(): not an indexable term, so SQLite's planner (no ANALYZE) walks the id
        # range instead of the reblog_of_id index, which holds every original post.
        s.visibility.in_(PUBLIC_ISH), func.coalesce(s.reblog_of_id, 0) == 0,
        # NOT IN the (few) suspended, rather than IN the (many) others: the planner would
        # otherwise walk every account's posts instead of the id range.
        # Limited accounts (moderation's "silence") do not trend either, as in Mastodon.
        s.account_id.not_in(select(Account.id).where(
            or_(Account.suspended_at.is_not(None), Account.limited_at.is_not(None)))),
    ]


def day_count_query(day: date, time_zone: str) -> Select:
    """(tag_id, posts, distinct accounts) of one day. A family of tags (decision 0063) counts as
    one, under its lead tag: a post with `#안양` and `#anyang` is one use, by one account."""
    start, end = day_bounds(day, time_zone)
    leads = lead_tag_ids().subquery()
    counted_as = func.coalesce(leads.c.lead_tag_id, StatusTag.tag_id)
    return (
        select(counted_as, func.count(distinct(StatusTag.status_id)), func.count(distinct(Status.account_id)))
        .join(Status, Status.id == StatusTag.status_id)
        .outerjoin(leads, leads.c.tag_id == StatusTag.tag_id)
        .where(StatusTag.status_id >= lowest_id_at(start), StatusTag.status_id < lowest_id_at(end),
               *counted_statuses(start, end))
        .group_by(counted_as)
    )


async def count_recent_days(run: RunQuery, *, now: datetime, time_zone: str) -> tuple[list[date], list[dict]]:
    """The last seven days (newest first) and their counts as ``tag_day_uses`` rows."""
    days = recent_days(now, time_zone, HISTORY_DAYS)
    rows: list[dict] = []
    for day in days:
        rows.extend({"tag_id": tag_id, "day": day, "uses": uses, "accounts": accounts}
                    for tag_id, uses, accounts in await run(day_count_query(day, time_zone)))
    return days, rows


STORE_CHUNK = 500


async def store_day_counts(session: AsyncSession, rows: list[dict]) -> None:
    """Replace every stored daily count with ``rows`` (older days are dropped)."""
    table = TagDayUse.__table__
    # Core statements (the ORM's bulk insert costs ten times more a row), in chunks with a
    # turn of the loop between them: on SQLite this unit runs inline on the loop.
    await session.execute(table.delete())
    for at in range(0, len(rows), STORE_CHUNK):
        if at:
            await asyncio.sleep(0)
        await session.execute(table.insert(), rows[at:at + STORE_CHUNK])


async def uses_by_tag(session: AsyncSession, tag_ids: list[int]) -> dict[int, dict[date, TagDayUse]]:
    """The stored daily counts of these tags, by tag and day."""
    if not tag_ids:
        return {}
    out: dict[int, dict[date, TagDayUse]] = {}
    for row in await session.scalars(select(TagDayUse).where(TagDayUse.tag_id.in_(tag_ids))):
        out.setdefault(row.tag_id, {})[row.day] = row
    return out
