"""What the staff pages and the analytics read: clicks per link and day, per post, per account."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.short_links import ShortLink, ShortLinkDay


@dataclass(frozen=True)
class LinkClicks:
    link: ShortLink
    total: int
    last_7_days: int  # today and the six days before (Seoul days)
    last_30_days: int


async def clicks_by_day(
    session: AsyncSession, *, link_ids: Iterable[int], start: date, end: date,
) -> dict[int, dict[date, int]]:
    """Clicks of each link on each day from ``start`` to ``end`` inclusive (days without a click
    are absent)."""
    ids = list(link_ids)
    out: dict[int, dict[date, int]] = defaultdict(dict)
    if not ids:
        return out
    rows = await session.execute(
        select(ShortLinkDay.link_id, ShortLinkDay.day, ShortLinkDay.clicks)
        .where(ShortLinkDay.link_id.in_(ids), ShortLinkDay.day >= start, ShortLinkDay.day <= end)
        .order_by(ShortLinkDay.link_id, ShortLinkDay.day))
    for link_id, day, clicks in rows:
        out[link_id][day] = clicks
    return out


async def clicks_per_status(
    session: AsyncSession, *, status_ids: Iterable[int], start: date | None = None, end: date | None = None,
) -> dict[int, int]:
    """Clicks on the short links made for each post (all time, or within the days given)."""
    ids = list(status_ids)
    if not ids:
        return {}
    query = (select(ShortLink.status_id, func.sum(ShortLinkDay.clicks))
             .join(ShortLinkDay, ShortLinkDay.link_id == ShortLink.id)
             .where(ShortLink.status_id.in_(ids)).group_by(ShortLink.status_id))
    if start is not None:
        query = query.where(ShortLinkDay.day >= start)
    if end is not None:
        query = query.where(ShortLinkDay.day <= end)
    return {status_id: int(total or 0) for status_id, total in await session.execute(query)}


async def list_links(
    session: AsyncSession, *, account_id: int, today: date, limit: int = 50, max_id: int | None = None,
) -> list[LinkClicks]:
    """The account's links, newest first, with their clicks in total and in the last 7 and 30 days."""
    week, month = today - timedelta(days=6), today - timedelta(days=29)
    totals = (select(ShortLinkDay.link_id.label("link_id"),
                     func.sum(ShortLinkDay.clicks).label("total"),
                     func.sum(case((ShortLinkDay.day >= week, ShortLinkDay.clicks), else_=0)).label("week"),
                     func.sum(case((ShortLinkDay.day >= month, ShortLinkDay.clicks), else_=0)).label("month"))
              .join(ShortLink, ShortLink.id == ShortLinkDay.link_id).where(ShortLink.account_id == account_id)
              .group_by(ShortLinkDay.link_id).subquery())
    query = (select(ShortLink, totals.c.total, totals.c.week, totals.c.month)
             .outerjoin(totals, totals.c.link_id == ShortLink.id)
             .where(ShortLink.account_id == account_id).order_by(ShortLink.id.desc()).limit(limit))
    if max_id is not None:
        query = query.where(ShortLink.id < max_id)
    return [LinkClicks(link, int(total or 0), int(week or 0), int(month or 0))
            for link, total, week, month in await session.execute(query)]
