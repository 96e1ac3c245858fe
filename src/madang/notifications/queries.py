"""Reading and dismissing an account's notifications."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.paging import Page, fetch_page
from madang.models import Marker, Notification, Status
from madang.models.notifications import NOTIFICATION_TYPES


async def list_notifications(
    session: AsyncSession, *, account_id: int, page: Page, types: list[str] | None = None,
    exclude_types: list[str] | None = None, from_account_id: int | None = None,
) -> list[Notification]:
    stmt = select(Notification).where(Notification.account_id == account_id)
    if types:
        stmt = stmt.where(Notification.type.in_([t for t in types if t in NOTIFICATION_TYPES] or ["-"]))
    if exclude_types:
        stmt = stmt.where(Notification.type.not_in(exclude_types))
    if from_account_id is not None:
        stmt = stmt.where(Notification.from_account_id == from_account_id)
    # Notifications about deleted posts are not shown.
    stmt = stmt.where((Notification.status_id.is_(None)) | Notification.status_id.in_(
        select(Status.id).where(Status.id == Notification.status_id, Status.deleted_at.is_(None))))
    return await fetch_page(session, stmt, Notification.id, page)


async def get_notification(session: AsyncSession, *, account_id: int, notification_id: int) -> Notification:
    row = await session.get(Notification, notification_id)
    if row is None or row.account_id != account_id:
        raise NotFound("Record not found")
    return row


async def dismiss_notification(session: AsyncSession, *, account_id: int, notification_id: int) -> None:
    await get_notification(session, account_id=account_id, notification_id=notification_id)
    await session.execute(delete(Notification).where(Notification.id == notification_id))


async def clear_notifications(session: AsyncSession, *, account_id: int) -> None:
    await session.execute(delete(Notification).where(Notification.account_id == account_id))


async def count_unread(session: AsyncSession, *, account_id: int, cap: int | None = None) -> int:
    """Unread = newer than the notifications marker (all of them when there is none).
    With ``cap``, counting stops there (a badge shows "99+", and a page stays cheap)."""
    marker = await session.scalar(select(Marker.last_read_id).where(
        Marker.account_id == account_id, Marker.timeline == "notifications"))
    stmt = select(func.count()).select_from(Notification).where(Notification.account_id == account_id)
    if marker and marker.isdigit():
        stmt = stmt.where(Notification.id > int(marker))
    if cap is not None:
        ids = stmt.with_only_columns(Notification.id).limit(cap).subquery()
        stmt = select(func.count()).select_from(ids)
    return int(await session.scalar(stmt) or 0)
