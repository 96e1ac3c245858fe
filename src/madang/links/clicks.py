"""Counting clicks: one row per link and Seoul day, bumped by an upsert. Nothing about the
visitor (address, browser, referrer) is read or kept: a click is only ``clicks + 1``."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.links.codes import looks_like_code
from madang.models.short_links import ShortLink, ShortLinkDay

_DAYS = ShortLinkDay.__table__


def day_of(when: datetime, time_zone: str = "Asia/Seoul") -> date:
    """The calendar day a click is counted on (the city's, not UTC's)."""
    return when.astimezone(ZoneInfo(time_zone)).date()


async def find_link(session: AsyncSession, code: str) -> ShortLink | None:
    if not looks_like_code(code):
        return None
    return await session.scalar(select(ShortLink).where(ShortLink.code == code))


async def record_click(session: AsyncSession, *, code: str, day: date) -> str:
    """Count one click on ``day`` and return the long URL; NotFound for an unknown code."""
    link = await find_link(session, code)
    if link is None:
        raise NotFound("짧은 주소를 찾을 수 없습니다", field="code")
    # INSERT … ON CONFLICT DO UPDATE: two clicks at once on a new day both count (a read
    # then a write would lose one, or fail on the primary key). Both dialects spell it alike.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(_DAYS).values(link_id=link.id, day=day, clicks=1)
    stmt = stmt.on_conflict_do_update(index_elements=[_DAYS.c.link_id, _DAYS.c.day],
                                      set_={"clicks": _DAYS.c.clicks + 1})
    await session.execute(stmt)
    return link.url
