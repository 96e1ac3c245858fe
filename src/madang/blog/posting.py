"""Announcing a feed's new entries as the organisation: the title and a short link, oldest first,
each at most once (UNIQUE(feed_id, key) decides, even between two workers polling at once)."""

from __future__ import annotations

from collections.abc import Sequence

import regex
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.blog.parsing import FeedEntry
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.links import attach_links_to_status, check_url, create_short_link, short_url
from madang.models import Account, Status
from madang.models.blog import BlogEntry, BlogFeed
from madang.statuses.create import Site, create_status
from madang.text.counting import count_characters

# A feed that was quiet (or paused) for a while may hold many new entries: a few a poll keeps
# the organisation from flooding timelines; the rest follow on the next polls, still in order.
MAX_POSTS_PER_POLL = 5
ELLIPSIS = "…"
_GRAPHEME = regex.compile(r"\X")


def entry_text(title: str, link: str | None, max_characters: int) -> str:
    """``title`` and, on the next line, ``link``; the title cut with … to fit the limit (a link
    counts 23 characters however long)."""
    suffix = f"\n{link}" if link else ""
    if count_characters(title + suffix) <= max_characters:
        return title + suffix
    graphemes = _GRAPHEME.findall(title)
    keep = max(0, max_characters - count_characters(suffix) - 1)
    del graphemes[keep:]
    # Mentions and links in a title count differently from their letters: shrink until it fits.
    while graphemes and count_characters("".join(graphemes).rstrip() + ELLIPSIS + suffix) > max_characters:
        graphemes.pop()
    return "".join(graphemes).rstrip() + ELLIPSIS + suffix


async def seen_keys(session: AsyncSession, feed_id: int, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    return set(await session.scalars(select(BlogEntry.key).where(BlogEntry.feed_id == feed_id,
                                                                 BlogEntry.key.in_(list(keys)))))


async def mark_seen(session: AsyncSession, feed_id: int, entries: Sequence[FeedEntry]) -> None:
    """Entries that will never be announced (those already in a feed when it is added)."""
    for entry in entries:
        await session.execute(insert_ignore(session, BlogEntry.__table__).values(
            id=new_id(), feed_id=feed_id, key=entry.key, posted_at=None))


async def announce_new_entries(
    session: AsyncSession, *, site: Site, feed: BlogFeed, entries: Sequence[FeedEntry],
) -> list[Status]:
    """Post the entries of ``entries`` (oldest first) not seen before, up to MAX_POSTS_PER_POLL."""
    seen = await seen_keys(session, feed.id, [e.key for e in entries])
    fresh = [e for e in entries if e.key not in seen][:MAX_POSTS_PER_POLL]
    if not fresh:
        return []
    organisation = await session.get(Account, feed.organisation_id)
    if organisation is None:
        return []
    posted = []
    for entry in fresh:
        if not await _claim(session, feed.id, entry.key):
            continue  # another poll has taken it since we looked
        posted.append(await _post(session, site=site, feed=feed, organisation=organisation, entry=entry))
    return posted


async def _claim(session: AsyncSession, feed_id: int, key: str) -> bool:
    """Write the entry's row; True when this transaction's row is the one that stands. On
    PostgreSQL a concurrent poll's INSERT waits for ours to commit, then does nothing."""
    mine = new_id()
    await session.execute(insert_ignore(session, BlogEntry.__table__).values(id=mine, feed_id=feed_id, key=key))
    owner = await session.scalar(select(BlogEntry.id).where(BlogEntry.feed_id == feed_id, BlogEntry.key == key))
    return owner == mine


async def _post(session: AsyncSession, *, site: Site, feed: BlogFeed, organisation: Account,
                entry: FeedEntry) -> Status:
    link = None
    if entry.link:
        try:
            link = await create_short_link(session, url=check_url(entry.link), account_id=organisation.id,
                                           created_by_id=None)
        except Invalid:
            link = None  # a link we cannot send people to: the title alone
    title = entry.title or f"{feed.title} 새 글"
    text = entry_text(title, short_url(site.base_url, link.code) if link else None, site.max_characters)
    status = await create_status(session, site=site, author=organisation, text=text, visibility="public")
    if link is not None:
        await attach_links_to_status(session, [link], status.id)
    await session.execute(update(BlogEntry).where(BlogEntry.feed_id == feed.id, BlogEntry.key == entry.key)
                          .values(status_id=status.id, short_link_id=link.id if link else None, posted_at=utcnow())
                          .execution_options(synchronize_session=False))
    return status
