"""Reading announcements as a citizen: the active ones (published, their period not over),
with reactions and whether one has dismissed each; dismissing and reacting.

Every signed-in web page asks for the active ones, so the list is kept per process (in the
Database's shared caches) for CACHE_SECONDS and emptied by every change made here; the
viewer's own dismissals and reactions cost one query, and only while something is active."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.core.ids import new_id
from madang.db.after_commit import forget_after_commit
from madang.db.database import CACHES
from madang.media.custom_emojis import SHORTCODE, EmojiRef, load_emojis
from madang.models import Announcement, AnnouncementDismissal, AnnouncementReaction

CACHE_KEY = "announcements.active"
CACHE_SECONDS = 10.0
# Mastodon's ReactionValidator: at most eight different reactions to one announcement.
MAX_REACTION_NAMES = 8


@dataclass(frozen=True)
class Reaction:
    name: str
    count: int
    me: bool
    emoji: EmojiRef | None = None  # a custom emoji's image; None for a Unicode one


@dataclass
class AnnouncementView:
    row: Announcement
    read: bool
    reactions: list[Reaction] = field(default_factory=list)


def _holder(info: dict[str, Any]) -> dict[str, Any]:
    """The copy in a Database's shared caches: reached from a write unit's session.info, or
    from the Database's session_info (read units do not carry it)."""
    caches = info.get(CACHES)
    return caches.setdefault(CACHE_KEY, {}) if isinstance(caches, dict) else {}


def forget_active(session: AsyncSession) -> None:
    forget_after_commit(session, _holder(session.info))


def period_over(row: Any, now: datetime) -> bool:
    if row.ends_at is None:
        return False
    # An all-day notice lasts to the end of its last day (ends_at is that day's midnight).
    return (row.ends_at + timedelta(days=1) if row.all_day else row.ends_at) <= now


async def _active_rows(session: AsyncSession, now: datetime, info: dict[str, Any] | None = None) -> list[Announcement]:
    holder = _holder(info if info is not None else session.info)
    moment = time.monotonic()
    if holder.get("at", -1e9) > moment - CACHE_SECONDS and (holder.get("until") is None or holder["until"] > now):
        return holder["rows"]
    rows = list(await session.scalars(
        select(Announcement).where(Announcement.published_at.is_not(None), Announcement.published_at <= now,
                                   or_(Announcement.ends_at.is_(None), Announcement.ends_at > now - timedelta(days=1)))
        .order_by(Announcement.published_at, Announcement.id)))
    rows = [r for r in rows if not period_over(r, now)]
    for row in rows:
        session.expunge(row)  # shared by every unit of this process: never attached to one
    # The copy is good until the next scheduled one appears or an active one ends.
    upcoming = await session.scalar(select(func.min(Announcement.published_at)).where(Announcement.published_at > now))
    ends = [r.ends_at + timedelta(days=1) if r.all_day else r.ends_at for r in rows if r.ends_at is not None]
    until = min([t for t in (upcoming, *ends) if t is not None], default=None)
    holder.clear()
    holder.update(at=moment, rows=rows, **({"until": until} if until is not None else {}))
    return rows


async def active_announcements(session: AsyncSession, *, account_id: int, with_dismissed: bool = True,
                               now: datetime | None = None, info: dict[str, Any] | None = None
                               ) -> list[AnnouncementView]:
    """The active announcements, oldest first, as ``account_id`` sees them (``read``: dismissed).
    ``info``: the Database's session_info, where the process's copy is (a read unit's session
    does not carry it). No query at all while none is active and the copy is fresh."""
    now = now or utcnow()
    rows = await _active_rows(session, now, info)
    if not rows:
        return []
    ids = [r.id for r in rows]
    dismissed = set(await session.scalars(select(AnnouncementDismissal.announcement_id).where(
        AnnouncementDismissal.account_id == account_id, AnnouncementDismissal.announcement_id.in_(ids))))
    visible = [r for r in rows if with_dismissed or r.id not in dismissed]
    if not visible:
        return []
    shown = [r.id for r in visible]
    counts = await session.execute(
        select(AnnouncementReaction.announcement_id, AnnouncementReaction.name, func.count(),
               func.min(AnnouncementReaction.id))
        .where(AnnouncementReaction.announcement_id.in_(shown))
        .group_by(AnnouncementReaction.announcement_id, AnnouncementReaction.name))
    by_announcement: dict[int, list[tuple[int, str, int]]] = {}
    for announcement_id, name, count, first in counts:
        by_announcement.setdefault(announcement_id, []).append((first, name, count))
    mine: set[tuple[int, str]] = set()
    if by_announcement:
        mine = {(a, n) for a, n in await session.execute(
            select(AnnouncementReaction.announcement_id, AnnouncementReaction.name)
            .where(AnnouncementReaction.announcement_id.in_(shown), AnnouncementReaction.account_id == account_id))}
    custom = {name for items in by_announcement.values() for _, name, _ in items if SHORTCODE.fullmatch(name)}
    images = await load_emojis(session, [(None, name) for name in custom]) if custom else {}
    # Reactions in the order they were first given, as Mastodon lists them.
    return [AnnouncementView(r, r.id in dismissed, [
        Reaction(name, count, (r.id, name) in mine, images.get((None, name)))
        for _, name, count in sorted(by_announcement.get(r.id, []))]) for r in visible]


async def _active(session: AsyncSession, announcement_id: int) -> Announcement:
    """One active announcement (Mastodon answers 404 for any other)."""
    for row in await _active_rows(session, utcnow()):
        if row.id == announcement_id:
            return row
    raise NotFound("Record not found")


async def dismiss_announcement(session: AsyncSession, *, account_id: int, announcement_id: int) -> None:
    """Marked read for this account; dismissing again changes nothing."""
    await _active(session, announcement_id)
    if await session.get(AnnouncementDismissal, (account_id, announcement_id)) is None:
        try:
            async with session.begin_nested():
                session.add(AnnouncementDismissal(account_id=account_id, announcement_id=announcement_id))
        except IntegrityError:
            pass  # dismissed at the same moment elsewhere


async def _reaction_name(session: AsyncSession, name: str) -> str:
    """A Unicode emoji (one, with its modifiers), or the shortcode of one of this server's
    enabled custom emoji: what Mastodon accepts. (The emoji package's tables are loaded at the
    first reaction, not with the app: ~3 MB in every process.)"""
    import emoji as emoji_data

    name = (name or "").strip()
    if emoji_data.is_emoji(name):
        return name
    code = name.strip(":")
    if SHORTCODE.fullmatch(code) and (None, code) in await load_emojis(session, [(None, code)]):
        return code
    raise Invalid("Validation failed: Name is not a recognized emoji", field="name")


async def react(session: AsyncSession, *, account_id: int, announcement_id: int, name: str) -> None:
    """Add this account's reaction (again: nothing changes). A ninth different reaction to one
    announcement is refused, as Mastodon refuses it."""
    await _active(session, announcement_id)
    name = await _reaction_name(session, name)
    names = set(await session.scalars(select(AnnouncementReaction.name).where(
        AnnouncementReaction.announcement_id == announcement_id).distinct()))
    if name not in names and len(names) >= MAX_REACTION_NAMES:
        raise Invalid("Validation failed: Limit of different reactions reached", field="name")
    exists = await session.scalar(select(AnnouncementReaction.id).where(
        AnnouncementReaction.announcement_id == announcement_id, AnnouncementReaction.account_id == account_id,
        AnnouncementReaction.name == name))
    if exists is None:
        try:
            async with session.begin_nested():
                session.add(AnnouncementReaction(id=new_id(), announcement_id=announcement_id, account_id=account_id,
                                                 name=name, created_at=utcnow()))
        except IntegrityError:
            pass  # the same reaction at the same moment elsewhere


async def unreact(session: AsyncSession, *, account_id: int, announcement_id: int, name: str) -> None:
    """Take this account's reaction back (one it never gave: nothing changes)."""
    await _active(session, announcement_id)
    name = (name or "").strip()
    names = {name, name.strip(":")}
    await session.execute(delete(AnnouncementReaction).where(
        AnnouncementReaction.announcement_id == announcement_id, AnnouncementReaction.account_id == account_id,
        AnnouncementReaction.name.in_(sorted(names))))


def none_active(info: dict[str, Any]) -> bool:
    """Whether this process's fresh copy says nothing is active (a Database's session_info):
    a signed-in page then opens no unit for the banner."""
    caches = info.get(CACHES)
    holder = caches.get(CACHE_KEY) if isinstance(caches, dict) else None
    if not holder or holder.get("rows") != [] or holder.get("at", -1e9) <= time.monotonic() - CACHE_SECONDS:
        return False
    until = holder.get("until")
    return until is None or until > utcnow()
