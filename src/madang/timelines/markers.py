"""Read markers of the home and notifications timelines (where a reader left off)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.models import Marker

TIMELINES = ("home", "notifications")


async def list_markers(session: AsyncSession, *, account_id: int, timelines: list[str]) -> list[Marker]:
    wanted = [t for t in timelines if t in TIMELINES] or list(TIMELINES)
    return list(await session.scalars(select(Marker).where(Marker.account_id == account_id,
                                                           Marker.timeline.in_(wanted))))


async def save_marker(session: AsyncSession, *, account_id: int, timeline: str, last_read_id: str) -> Marker:
    if timeline not in TIMELINES:
        raise Invalid(f"Unknown timeline {timeline}", field="timeline")
    if not (last_read_id.isascii() and last_read_id.isdigit()) or len(last_read_id) > 20:
        raise Invalid("last_read_id must be a numeric id", field="last_read_id")
    marker = await session.scalar(select(Marker).where(Marker.account_id == account_id, Marker.timeline == timeline))
    if marker is None:
        marker = Marker(account_id=account_id, timeline=timeline, last_read_id=last_read_id, version=1,
                        updated_at=utcnow())
        session.add(marker)
    else:
        marker.last_read_id = last_read_id
        marker.version += 1
        marker.updated_at = utcnow()
    await session.flush()
    return marker
