"""Reading trends: the stored ranked lists and the daily history of tags (requests only read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import hidden_account_ids_query, not_on_blocked_domain
from madang.models import Status, Tag, TrendingStatus, TrendingTag
from madang.statuses.policies import visible_to
from madang.statuses.tag_families import leads_of
from madang.trends.counting import uses_by_tag
from madang.trends.days import HISTORY_DAYS, day_value, recent_days


@dataclass(frozen=True)
class HistoryDay:
    day: str  # unix seconds of the day's start, as Mastodon sends it
    uses: int
    accounts: int


async def tag_histories(session: AsyncSession, tag_ids: list[int], *, now: datetime,
                        time_zone: str) -> dict[int, list[HistoryDay]]:
    """Seven days per tag, today first; days without use are zeros. A tag in a family has the
    family's history (counted under its lead tag, decision 0063)."""
    leads = await leads_of(session, tag_ids)
    stored = await uses_by_tag(session, list({leads.get(t, t) for t in tag_ids}))
    days = recent_days(now, time_zone, HISTORY_DAYS)
    out = {}
    for tag_id in tag_ids:
        counts = stored.get(leads.get(tag_id, tag_id), {})
        out[tag_id] = [HistoryDay(day_value(d, time_zone), counts[d].uses if d in counts else 0,
                                  counts[d].accounts if d in counts else 0) for d in days]
    return out


async def list_trending_tags(session: AsyncSession, *, offset: int, limit: int) -> list[Tag]:
    rows = await session.scalars(
        select(Tag).join(TrendingTag, TrendingTag.tag_id == Tag.id).order_by(TrendingTag.rank)
        .offset(offset).limit(limit))
    return list(rows)


async def list_trending_statuses(session: AsyncSession, *, viewer_id: int | None, offset: int,
                                 limit: int) -> list[Status]:
    """Trending posts the viewer may see: blocks, mutes and deletions since the last run apply now."""
    stmt = select(Status).join(TrendingStatus, TrendingStatus.status_id == Status.id).where(visible_to(viewer_id))
    if viewer_id is not None:
        stmt = stmt.where(Status.account_id.not_in(hidden_account_ids_query(viewer_id)),
                          not_on_blocked_domain(viewer_id, Status.account_id))
    rows = await session.scalars(stmt.order_by(TrendingStatus.rank).offset(offset).limit(limit))
    return list(rows)
