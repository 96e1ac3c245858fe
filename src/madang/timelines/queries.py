"""Reading timelines: home (from the feed), public (local and all), and tag."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.paging import Page, fetch_page
from madang.models import Block, HomeFeedEntry, Mute, Status, StatusTag, Tag
from madang.statuses.policies import not_blocked, visible_to


async def _hidden_authors(session: AsyncSession, viewer_id: int) -> set[int]:
    """Muted (unexpired) and blocked-either-way accounts: a small set per viewer."""
    now = utcnow()
    muted = await session.scalars(select(Mute.target_account_id).where(
        Mute.account_id == viewer_id, or_(Mute.expires_at.is_(None), Mute.expires_at > now)))
    blocked = await session.scalars(select(Block.target_account_id).where(Block.account_id == viewer_id))
    blocked_by = await session.scalars(select(Block.account_id).where(Block.target_account_id == viewer_id))
    return set(muted) | set(blocked) | set(blocked_by)


async def list_home_timeline(session: AsyncSession, *, viewer_id: int, page: Page) -> list[Status]:
    hidden = await _hidden_authors(session, viewer_id)
    stmt = select(HomeFeedEntry.status_id).where(HomeFeedEntry.account_id == viewer_id)
    if hidden:
        stmt = stmt.where(HomeFeedEntry.author_id.not_in(hidden))
    # Over-fetch a little: entries whose status was deleted since fan-out are skipped.
    ids = await fetch_page(session, stmt, HomeFeedEntry.status_id, Page(page.max_id, page.since_id, page.min_id,
                                                                         page.limit + 10))
    if not ids:
        return []
    rows = {s.id: s for s in await session.scalars(
        select(Status).where(Status.id.in_(ids), Status.deleted_at.is_(None)))}
    ordered = [rows[i] for i in ids if i in rows]
    if page.min_id is not None:
        return ordered[-page.limit:]
    return ordered[: page.limit]


async def list_public_timeline(
    session: AsyncSession, *, viewer_id: int | None, page: Page, local: bool = False, remote: bool = False
) -> list[Status]:
    stmt = select(Status).where(Status.visibility == "public", Status.deleted_at.is_(None),
                                Status.reblog_of_id.is_(None), not_blocked(viewer_id))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    if remote:
        stmt = stmt.where(Status.local.is_(False))
    if viewer_id is not None:
        hidden = await _hidden_authors(session, viewer_id)
        if hidden:
            stmt = stmt.where(Status.account_id.not_in(hidden))
    return await fetch_page(session, stmt, Status.id, page)


async def find_tag(session: AsyncSession, name: str) -> Tag | None:
    from madang.text import normalize_tag

    return await session.scalar(select(Tag).where(Tag.key == normalize_tag(name)))


async def list_tag_timeline(
    session: AsyncSession, *, tag_names: list[str], viewer_id: int | None, page: Page, local: bool = False,
    all_names: list[str] | None = None, none_names: list[str] | None = None,
) -> list[Status]:
    from madang.text import normalize_tag

    keys = [normalize_tag(n) for n in tag_names if n]
    tagged = select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id).where(Tag.key.in_(keys))
    stmt = select(Status).where(Status.id.in_(tagged), Status.visibility == "public", visible_to(viewer_id),
                                not_blocked(viewer_id), Status.reblog_of_id.is_(None))
    for name in all_names or []:
        stmt = stmt.where(Status.id.in_(select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
                                        .where(Tag.key == normalize_tag(name))))
    if none_names:
        stmt = stmt.where(Status.id.not_in(select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
                                           .where(Tag.key.in_([normalize_tag(n) for n in none_names]))))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    if viewer_id is not None:
        hidden = await _hidden_authors(session, viewer_id)
        if hidden:
            stmt = stmt.where(Status.account_id.not_in(hidden))
    return await fetch_page(session, stmt, Status.id, page)
