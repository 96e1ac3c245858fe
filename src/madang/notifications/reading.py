"""Marking notifications read: the notifications marker moves forward, never back (a page
opened in an old tab must not make read notifications unread again)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.models import Marker
from madang.core.ids import parse_id_text

TIMELINE = "notifications"


async def read_marker(session: AsyncSession, account_id: int) -> int | None:
    value = await session.scalar(select(Marker.last_read_id).where(
        Marker.account_id == account_id, Marker.timeline == TIMELINE))
    return parse_id_text(value) if value else None


async def mark_notifications_read(session: AsyncSession, *, account_id: int, up_to_id: int) -> bool:
    """True when the marker moved (to ``up_to_id``, the newest notification seen). Two tabs
    opening the page at once both succeed: the row is inserted once, then only moved forward."""
    now = utcnow()
    created = await session.execute(insert_ignore(session, Marker.__table__).values(
        id=new_id(), account_id=account_id, timeline=TIMELINE, last_read_id=str(up_to_id), version=1,
        updated_at=now))
    if created.rowcount:
        return True
    current = await read_marker(session, account_id)
    if current is not None and current >= up_to_id:
        return False
    await session.execute(update(Marker).where(Marker.account_id == account_id, Marker.timeline == TIMELINE)
                          .values(last_read_id=str(up_to_id), version=Marker.version + 1, updated_at=now))
    return True
