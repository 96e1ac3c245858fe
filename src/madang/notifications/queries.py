"""Reading and dismissing an account's notifications."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.fast_select import FastSelect
from madang.db.paging import Page, fetch_page
from madang.models import Marker, Notification
from madang.notifications.browsing import Browse, browsable


async def list_notifications(
    session: AsyncSession, *, account_id: int, page: Page, types: list[str] | None = None,
    exclude_types: list[str] | None = None, from_account_id: int | None = None, every_kind: bool = False,
) -> list[Notification]:
    """Mastodon's types only, unless ``every_kind`` (the web page, which also shows madang's own)."""
    browse = Browse(tuple(types or ()), tuple(exclude_types or ()), from_account_id, every_kind)
    return await fetch_page(session, browsable(account_id, browse), Notification.id, page)


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


# The nav's unread badge is counted on every signed-in page: prebuilt statements (db.fast_select),
# ~1 ms of SQLAlchemy's statement building and execution less a page.
_MARKER = FastSelect(select(Marker.last_read_id).where(
    Marker.account_id == bindparam("account_id", type_=BigInteger), Marker.timeline == "notifications"),
    name="NotificationsMarkerRow")
_NEWER = select(Notification.id).where(Notification.account_id == bindparam("account_id", type_=BigInteger),
                                       Notification.id > bindparam("after", type_=BigInteger))
_COUNT = FastSelect(select(func.count()).select_from(_NEWER.subquery()), name="UnreadRow")
_COUNT_CAPPED = FastSelect(select(func.count()).select_from(
    _NEWER.limit(bindparam("cap", type_=Integer)).subquery()), name="UnreadCappedRow")


async def count_unread(session: AsyncSession, *, account_id: int, cap: int | None = None) -> int:
    """Unread = newer than the notifications marker (all of them when there is none).
    With ``cap``, counting stops there (a badge shows "99+", and a page stays cheap)."""
    row = await _MARKER.first(session, {"account_id": account_id})
    marker = row[0] if row is not None else None
    after = int(marker) if marker and marker.isascii() and marker.isdigit() and len(marker) < 20 else 0
    params = {"account_id": account_id, "after": after}
    if cap is None:
        found = await _COUNT.first(session, params)
    else:
        found = await _COUNT_CAPPED.first(session, {**params, "cap": cap})
    return int(found[0] or 0) if found is not None else 0
