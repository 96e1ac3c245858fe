"""Polling the followed feeds: the `blog.poll` job re-enqueues itself every few minutes and
reads each feed that is due; `blog.poll_feed` reads one feed at once (after it is added).

Both are unit-free jobs (DESIGN.md: no network I/O inside a write transaction): the due feeds
are read in a short unit, each feed is fetched with no unit open, then one write unit per feed
records the check and posts its new entries. A crash before that unit commits posts nothing;
after it, the entries' rows are there and a rerun finds them seen, so nothing is posted twice."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.blog.feeds import FEED_JOB
from madang.blog.fetching import Fetched, FetchLimits, fetch_feed
from madang.blog.parsing import FeedError
from madang.blog.posting import announce_new_entries
from madang.core.clock import utcnow
from madang.core.errors import DomainError
from madang.core.settings import Settings
from madang.db import Database
from madang.jobs import enqueue, handler
from madang.models import Job
from madang.models.blog import BlogFeed
from madang.statuses.create import Site

log = logging.getLogger(__name__)

POLL_JOB = "blog.poll"
BATCH = 100
# The chain runs every few minutes; a feed checked a little less than its interval ago is due
# already, or drift would make it wait a whole extra round.
SLACK = timedelta(seconds=30)


@dataclass(frozen=True)
class BlogConfig:
    site: Site
    every_minutes: int = 5
    limits: FetchLimits = FetchLimits()

    def payload(self) -> dict:
        return {"site": asdict(self.site), "every_minutes": self.every_minutes, "limits": asdict(self.limits)}

    @classmethod
    def of(cls, settings: Settings) -> BlogConfig:
        return cls(site=Site.of(settings), every_minutes=settings.blog_poll_minutes,
                   limits=FetchLimits(allow=settings.outbound_allow))

    @classmethod
    def from_payload(cls, payload: dict) -> BlogConfig:
        return cls(site=Site(**payload["site"]), every_minutes=int(payload.get("every_minutes", 5)),
                   limits=FetchLimits.from_payload(payload.get("limits", {})))


@dataclass(frozen=True)
class PollResult:
    feed_id: int
    posted: int = 0
    error: str | None = None


async def schedule_blog_polls(session: AsyncSession, *, config: BlogConfig) -> bool:
    """Start the polling chain unless it is waiting already (starting twice is a no-op)."""
    if await _waiting(session, "pending", "running"):
        return False
    await enqueue(session, POLL_JOB, config.payload())
    return True


async def due_feeds(session: AsyncSession, *, now: datetime) -> list[BlogFeed]:
    # A city follows a handful of feeds: the interval is compared here rather than in SQL,
    # where adding minutes to a time is spelt differently on each database.
    feeds = await session.scalars(select(BlogFeed).where(BlogFeed.active.is_(True)).order_by(BlogFeed.id))
    return [f for f in feeds if f.last_checked_at is None
            or f.last_checked_at + timedelta(minutes=f.interval_minutes) <= now + SLACK][:BATCH]


async def poll_feed(db: Database, *, feed_id: int, config: BlogConfig) -> PollResult:
    """Fetch one feed and post its new entries; a failure is recorded on the feed, posts nothing,
    and the next poll tries again."""
    async with db.read() as session:
        feed = await session.get(BlogFeed, feed_id)
        if feed is None or not feed.active:
            return PollResult(feed_id)
        url, etag, modified = feed.url, feed.etag, feed.modified
    try:
        fetched = await fetch_feed(url, limits=config.limits, etag=etag, modified=modified)
    except FeedError as exc:
        return await _record_error(db, feed_id, exc.message)
    try:
        async with db.write() as session:
            return await _record_success(session, feed_id, fetched, config)
    except DomainError as exc:  # a post was refused: nothing of this poll stays
        return await _record_error(db, feed_id, f"게시하지 못했습니다 ({exc.message})")


async def _record_success(session: AsyncSession, feed_id: int, fetched: Fetched, config: BlogConfig) -> PollResult:
    feed = await session.get(BlogFeed, feed_id)
    if feed is None or not feed.active:  # removed or paused while we fetched
        return PollResult(feed_id)
    feed.last_checked_at, feed.last_error = utcnow(), None
    if fetched.feed is None:  # 304 Not Modified
        await session.flush()
        return PollResult(feed_id)
    feed.etag, feed.modified = fetched.etag, fetched.modified
    posted = await announce_new_entries(session, site=config.site, feed=feed, entries=fetched.feed.entries)
    await session.flush()
    return PollResult(feed_id, posted=len(posted))


async def _record_error(db: Database, feed_id: int, message: str) -> PollResult:
    async with db.write() as session:
        feed = await session.get(BlogFeed, feed_id)
        if feed is not None:
            feed.last_checked_at, feed.last_error = utcnow(), message[:1000]
    return PollResult(feed_id, error=message)


async def poll_due_feeds(db: Database, *, config: BlogConfig) -> list[PollResult]:
    async with db.read() as session:
        ids = [f.id for f in await due_feeds(session, now=utcnow())]
    results = []
    for feed_id in ids:
        try:
            results.append(await poll_feed(db, feed_id=feed_id, config=config))
        except Exception:  # one feed's surprise must not stop the others or the chain
            log.exception("blog feed %s could not be polled", feed_id)
    return results


@handler(POLL_JOB, unit=False)
async def run_blog_polls(db: Database, payload: dict) -> None:
    config = BlogConfig.from_payload(payload)
    await poll_due_feeds(db, config=config)
    # This job is "running" until the worker marks it done; a pending one is the chain's next run.
    async with db.write() as session:
        if not await _waiting(session, "pending"):
            await enqueue(session, POLL_JOB, payload, run_at=utcnow() + timedelta(minutes=config.every_minutes))


@handler(FEED_JOB, unit=False)
async def run_feed_poll(db: Database, payload: dict) -> None:
    await poll_feed(db, feed_id=int(payload["feed_id"]), config=BlogConfig.from_payload(payload))


async def _waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == POLL_JOB, Job.state.in_(states)))))
