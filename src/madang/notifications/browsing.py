"""Which of an account's notifications a client may list: the types it asks for, and none
about a deleted post. Shared by the v1 list and the grouped (v2) one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from madang.models import Notification, Status
from madang.models.notifications import NOTIFICATION_TYPES


@dataclass(frozen=True)
class Browse:
    types: tuple[str, ...] = ()  # none: every Mastodon type (madang's own stay off the API)
    exclude_types: tuple[str, ...] = ()
    from_account_id: int | None = None
    every_kind: bool = False  # the web's own list: madang's types too (account health, drafts waiting)


def browsable(account_id: int, browse: Browse) -> Select:
    stmt = select(Notification).where(Notification.account_id == account_id)
    if browse.every_kind and not browse.types:
        if browse.exclude_types:
            stmt = stmt.where(Notification.type.not_in(browse.exclude_types))
    else:
        wanted = [t for t in (browse.types or NOTIFICATION_TYPES) if t in NOTIFICATION_TYPES]
        wanted = [t for t in wanted if t not in browse.exclude_types]
        stmt = stmt.where(Notification.type.in_(wanted or ["-"]))
    if browse.from_account_id is not None:
        stmt = stmt.where(Notification.from_account_id == browse.from_account_id)
    # Notifications about deleted posts are not shown.
    return stmt.where(Notification.status_id.is_(None) | Notification.status_id.in_(
        select(Status.id).where(Status.id == Notification.status_id, Status.deleted_at.is_(None))))
