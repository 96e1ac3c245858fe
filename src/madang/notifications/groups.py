"""Grouped notifications (Mastodon 4.3's /api/v2/notifications): favourites and boosts of one
post, and follows, that arrive within the same 12 hours make one group.

Mastodon stores a group key on each notification, choosing the hour bucket when it writes
one. Here the key is computed from the row: a group is (type, post, 12-hour window of the
notification's id), and snowflake ids are time-ordered, so each group is an id range of the
``(account_id, id)`` index. Nothing changes when a notification is written, the old rows are
grouped as well, and a key names its rows without a lookup table. Windows are fixed (UTC
00-12 and 12-24): a burst across a boundary makes two groups where Mastodon's sliding
bucket would make one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, ColumnElement, and_, case, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.paging import Page
from madang.models import Notification
from madang.notifications.browsing import Browse, browsable
from madang.notifications.reading import read_marker

GROUPABLE = ("favourite", "reblog", "follow")
WITH_STATUS = ("favourite", "reblog")
WINDOW_HOURS = 12
# Ids made in one window: ms per window, shifted past the snowflake's 16 low bits.
WINDOW_IDS = (WINDOW_HOURS * 3_600_000) << 16
SAMPLE_ACCOUNTS = 8  # as Mastodon's NotificationGroup::SAMPLE_ACCOUNTS_SIZE
# A page walks at most this many rows to find its groups (a post favourited 10,000 times in
# a morning is one group): the page is then shorter, and its Link header goes on from there.
MAX_SCANNED = 4_000


@dataclass(frozen=True)
class GroupKey:
    type: str
    status_id: int | None = None
    window: int | None = None  # the 12-hour window's index since the epoch
    notification_id: int | None = None  # an ungrouped notification

    def __str__(self) -> str:
        if self.notification_id is not None:
            return f"ungrouped-{self.notification_id}"
        hour = (self.window or 0) * WINDOW_HOURS  # Mastodon's keys end in an hour number
        if self.status_id is not None:
            return f"{self.type}-{self.status_id}-{hour}"
        return f"{self.type}-{hour}"

    def rows(self) -> ColumnElement[bool]:
        """The group's notifications (of any account: callers add theirs)."""
        if self.notification_id is not None:
            return Notification.id == self.notification_id
        start = (self.window or 0) * WINDOW_IDS
        return and_(Notification.type == self.type,
                    Notification.status_id.is_(None) if self.status_id is None
                    else Notification.status_id == self.status_id,
                    Notification.id >= start, Notification.id < start + WINDOW_IDS)


def window_of(notification_id: int) -> int:
    return notification_id // WINDOW_IDS


def key_of(n: Notification, grouped_types: tuple[str, ...] = GROUPABLE) -> GroupKey:
    if n.type not in grouped_types:
        return GroupKey(n.type, notification_id=n.id)
    status_id = n.status_id if n.type in WITH_STATUS else None
    return GroupKey(n.type, status_id=status_id, window=window_of(n.id))


def parse_group_key(text: str) -> GroupKey:
    """A key this server made; anything else names no group (404, as Mastodon answers)."""
    parts = text.split("-")
    try:
        if len(parts) == 2 and parts[0] == "ungrouped":
            return GroupKey("", notification_id=_positive(parts[1]))
        if len(parts) == 2 and parts[0] == "follow":
            return GroupKey("follow", window=_window(parts[1]))
        if len(parts) == 3 and parts[0] in WITH_STATUS:
            return GroupKey(parts[0], status_id=_positive(parts[1]), window=_window(parts[2]))
    except ValueError:
        pass
    raise NotFound("Record not found")


def _positive(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 < value < 2 ** 63:
        raise ValueError(text)
    return value


def _window(hour_text: str) -> int:
    hour = _positive(hour_text)
    if hour % WINDOW_HOURS:
        raise ValueError(hour_text)
    return hour // WINDOW_HOURS


def grouped_types_of(requested: list[str] | None) -> tuple[str, ...]:
    """``grouped_types[]``: which groupable types to group (all of them when not given)."""
    if not requested:
        return GROUPABLE
    return tuple(t for t in GROUPABLE if t in requested)


@dataclass
class NotificationGroup:
    key: GroupKey
    notification: Notification  # the one shown for the group: its type and post
    count: int
    most_recent_id: int
    sample_account_ids: list[int]
    latest_at: datetime
    page_min_id: int | None = None  # set when listed a page at a time
    page_max_id: int | None = None


def _single(n: Notification, key: GroupKey, paged: bool) -> NotificationGroup:
    return NotificationGroup(key, n, 1, n.id, [n.from_account_id], n.created_at,
                             n.id if paged else None, n.id if paged else None)


async def list_notification_groups(
    session: AsyncSession, *, account_id: int, page: Page, browse: Browse,
    grouped_types: tuple[str, ...] = GROUPABLE,
) -> list[NotificationGroup]:
    """A page of groups, newest first, each shown by its newest notification in the page
    (its oldest when paging up with ``min_id``), as Mastodon pages them. Two queries: the
    page's rows, and the counts and sample accounts of its groups."""
    shown = await _page_rows(session, account_id, page, browse, grouped_types)
    if not shown:
        return []
    keys = [key_of(n, grouped_types) for n in shown]
    low, high = _range(shown, page)
    data = await _groups_data(session, account_id, browse, [k for k in keys if k.notification_id is None], low, high)
    groups = []
    for n, key in zip(shown, keys):
        found = data.get(key)
        if found is None:
            groups.append(_single(n, key, paged=True))
            continue
        count, recent_id, recent_at, samples, page_min = found
        groups.append(NotificationGroup(key, n, count, recent_id, samples, recent_at, page_min or n.id, recent_id))
    return groups


async def _page_rows(session: AsyncSession, account_id: int, page: Page, browse: Browse,
                     grouped_types: tuple[str, ...]) -> list[Notification]:
    """One row per group, walking the index in batches until ``limit`` groups are found."""
    upward = page.min_id is not None
    seen: dict[GroupKey, Notification] = {}
    cursor = page.min_id if upward else page.max_id
    batch, scanned = page.limit * 2, 0
    while len(seen) < page.limit and scanned < MAX_SCANNED:
        stmt = browsable(account_id, browse)
        if upward:
            stmt = stmt.where(Notification.id > cursor)
            if page.max_id is not None:
                stmt = stmt.where(Notification.id < page.max_id)
            stmt = stmt.order_by(Notification.id.asc())
        else:
            if cursor is not None:
                stmt = stmt.where(Notification.id < cursor)
            if page.since_id is not None:
                stmt = stmt.where(Notification.id > page.since_id)
            stmt = stmt.order_by(Notification.id.desc())
        rows = list(await session.scalars(stmt.limit(batch)))
        for n in rows:
            seen.setdefault(key_of(n, grouped_types), n)
            if len(seen) == page.limit:
                break
        scanned += len(rows)
        if len(rows) < batch:
            break
        cursor, batch = rows[-1].id, min(batch * 2, 1_000)
    shown = list(seen.values())
    return shown[::-1] if upward else shown


def _range(shown: list[Notification], page: Page) -> tuple[int | None, int | None]:
    """The ids the page covers, as Mastodon's: a short page is the last one, so it reaches
    to the end in its direction (the requested cursor, or no bound)."""
    low, high = shown[-1].id, shown[0].id
    if len(shown) < page.limit:
        if page.min_id is not None:
            high = page.max_id - 1 if page.max_id is not None else None
        else:
            low = page.since_id + 1 if page.since_id is not None else None
    return low, high


async def _groups_data(session: AsyncSession, account_id: int, browse: Browse, keys: list[GroupKey],
                       low: int | None, high: int | None) -> dict[GroupKey, tuple]:
    """For each key: (count, newest id, newest time, sample account ids, oldest id in the
    page's range), over the group's rows up to the page's newest, in one query."""
    if not keys:
        return {}
    window = (Notification.id // literal(WINDOW_IDS, BigInteger)).label("w")
    part = (Notification.type, Notification.status_id, window)
    stmt = browsable(account_id, browse).where(or_(*(k.rows() for k in keys)))
    if high is not None:
        stmt = stmt.where(Notification.id <= high)
    in_page = Notification.id if low is None else case((Notification.id >= low, Notification.id))
    inner = stmt.with_only_columns(
        Notification.id, Notification.type, Notification.status_id, Notification.from_account_id,
        Notification.created_at, window,
        func.row_number().over(partition_by=part, order_by=Notification.id.desc()).label("rn"),
        func.count().over(partition_by=part).label("n"),
        func.min(in_page).over(partition_by=part).label("page_min"),
    ).subquery()
    rows = await session.execute(select(inner).where(inner.c.rn <= SAMPLE_ACCOUNTS).order_by(inner.c.rn))
    out: dict[GroupKey, tuple] = {}
    for nid, type_, status_id, sender, created_at, w, rn, count, page_min in rows:
        key = GroupKey(type_, status_id=status_id if type_ in WITH_STATUS else None, window=int(w))
        if rn == 1:
            out[key] = (int(count), nid, created_at, [sender], page_min)
        elif key in out and sender not in out[key][3]:
            out[key][3].append(sender)
    return out


async def get_notification_group(session: AsyncSession, *, account_id: int, key: GroupKey,
                                 browse: Browse | None = None) -> NotificationGroup:
    """The whole group, as ``GET /api/v2/notifications/:group_key`` shows it."""
    browse = browse or Browse()
    newest = await session.scalar(browsable(account_id, browse).where(key.rows())
                                  .order_by(Notification.id.desc()).limit(1))
    if newest is None:
        raise NotFound("Record not found")
    if key.notification_id is not None:
        return _single(newest, key, paged=False)
    data = await _groups_data(session, account_id, browse, [key], None, None)
    count, recent_id, recent_at, samples, _ = data[key]
    return NotificationGroup(key, newest, count, recent_id, samples, recent_at)


async def list_group_accounts(session: AsyncSession, *, account_id: int, key: GroupKey,
                              page: Page) -> list[tuple[int, int]]:
    """(notification id, sender id) of the group, newest first: who favourited, boosted, followed."""
    stmt = browsable(account_id, Browse()).where(key.rows())
    if page.max_id is not None:
        stmt = stmt.where(Notification.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(Notification.id > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(Notification.id > page.min_id)
    order = Notification.id.asc() if page.min_id is not None else Notification.id.desc()
    rows = list(await session.execute(stmt.with_only_columns(Notification.id, Notification.from_account_id)
                                      .order_by(order).limit(page.limit)))
    if page.min_id is not None:
        rows.reverse()
    return [(nid, sender) for nid, sender in rows]


async def dismiss_notification_group(session: AsyncSession, *, account_id: int, key: GroupKey) -> None:
    await session.execute(delete(Notification).where(Notification.account_id == account_id, key.rows())
                          .execution_options(synchronize_session=False))


async def count_unread_groups(session: AsyncSession, *, account_id: int, browse: Browse, cap: int,
                              grouped_types: tuple[str, ...] = GROUPABLE) -> int:
    """Groups with a notification newer than the notifications marker, up to ``cap``."""
    marker = await read_marker(session, account_id)
    grouped = Notification.type.in_(grouped_types) if grouped_types else literal(False)
    stmt = browsable(account_id, browse)
    if marker is not None:
        stmt = stmt.where(Notification.id > marker)
    distinct = stmt.with_only_columns(
        case((grouped, Notification.type), else_=literal("-")),
        case((grouped, func.coalesce(Notification.status_id, 0)), else_=Notification.id),
        case((grouped, Notification.id // literal(WINDOW_IDS, BigInteger)), else_=0),
    ).distinct().limit(cap).subquery()
    return int(await session.scalar(select(func.count()).select_from(distinct)) or 0)


__all__ = ["Browse", "GROUPABLE", "GroupKey", "NotificationGroup", "count_unread_groups",
           "dismiss_notification_group", "get_notification_group", "grouped_types_of", "key_of",
           "list_group_accounts", "list_notification_groups", "parse_group_key"]
