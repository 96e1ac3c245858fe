"""The feeds an organisation follows: added by an office admin (the address checked and read
once for its title), paused, resumed, removed; any staff member may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.blog.fetching import FetchLimits, fetch_feed
from madang.net import Refused
from madang.net.guarded import check_url
from madang.blog.parsing import FeedError, ParsedFeed
from madang.blog.posting import mark_seen
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.organisations import ADMIN, VIEW, require_role
from madang.jobs import enqueue
from madang.models import Account
from madang.models.blog import BlogEntry, BlogFeed

MAX_URL_LENGTH = 2000
INTERVALS = (5, 15, 30, 60, 180, 1440)  # minutes between polls of one feed
DEFAULT_INTERVAL = 15
FEED_JOB = "blog.poll_feed"


@dataclass(frozen=True)
class FeedRow:
    feed: BlogFeed
    posted: int
    last_posted_at: datetime | None


def check_feed_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise Invalid("피드 주소를 입력해 주세요", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise Invalid(f"피드 주소는 {MAX_URL_LENGTH:,}자까지 쓸 수 있습니다", field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise Invalid("올바른 주소가 아닙니다", field="url") from None
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password
            or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url)):
        raise Invalid("http:// 또는 https://로 시작하는 피드 주소를 입력해 주세요", field="url")
    try:
        check_url(url)  # a host IDNA cannot write (①②⑦.0.0.1) is refused here, not at the socket
    except Refused:
        raise Invalid("주소의 호스트 이름이 올바르지 않습니다", field="url") from None
    return url


def check_interval(minutes: int | str | None) -> int:
    if minutes in (None, ""):
        return DEFAULT_INTERVAL
    try:
        value = int(minutes)  # type: ignore[arg-type]
    except ValueError:
        value = -1
    if value not in INTERVALS:
        raise Invalid("확인 간격을 목록에서 골라 주세요", field="interval")
    return value


async def preview_feed(url: str, *, limits: FetchLimits) -> ParsedFeed:
    """Read the feed once (outside any unit of work: it waits on the network) before adding it;
    Invalid on the url field when it cannot be read."""
    url = check_feed_url(url)
    try:
        fetched = await fetch_feed(url, limits=limits)
    except FeedError as exc:
        raise Invalid(f"피드를 읽을 수 없습니다: {exc.message}", field="url") from None
    assert fetched.feed is not None  # no validators were sent, so no 304
    return fetched.feed


async def add_feed(
    session: AsyncSession, *, organisation: Account, staff: Account, url: str, preview: ParsedFeed,
    interval_minutes: int = DEFAULT_INTERVAL, job_payload: dict | None = None,
) -> BlogFeed:
    """Follow the feed. So that adding it does not flood timelines with its back catalogue, the
    entries already in it are recorded as seen, all but the latest, which the first poll (queued
    here, with ``job_payload``) announces: staff see at once how the feed's posts will look."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    url = check_feed_url(url)
    interval_minutes = check_interval(interval_minutes)
    clash = await session.scalar(select(BlogFeed.id).where(BlogFeed.organisation_id == organisation.id,
                                                           BlogFeed.url == url))
    if clash is not None:
        raise Conflict("이미 추가한 피드입니다", field="url")
    # No etag or date kept from the preview: the first poll must read the whole feed again.
    feed = BlogFeed(organisation_id=organisation.id, url=url, title=preview.title or (urlsplit(url).hostname or url),
                    added_by_id=staff.id, interval_minutes=interval_minutes, active=True, created_at=utcnow())
    session.add(feed)
    await session.flush()
    await mark_seen(session, feed.id, preview.entries[:-1])
    if job_payload is not None:
        await enqueue(session, FEED_JOB, {**job_payload, "feed_id": feed.id})
    return feed


async def _own_feed(session: AsyncSession, organisation: Account, feed_id: int) -> BlogFeed:
    feed = await session.get(BlogFeed, feed_id)
    if feed is None or feed.organisation_id != organisation.id:
        raise NotFound("이 기관의 피드가 아닙니다", field="feed")
    return feed


async def set_feed_active(session: AsyncSession, *, organisation: Account, staff: Account, feed_id: int,
                          active: bool) -> BlogFeed:
    """Pause or resume. A resumed feed announces what it published meanwhile, a few a poll."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    feed = await _own_feed(session, organisation, feed_id)
    feed.active = active
    await session.flush()
    return feed


async def remove_feed(session: AsyncSession, *, organisation: Account, staff: Account, feed_id: int) -> None:
    """Stop following; the posts already made stay."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    feed = await _own_feed(session, organisation, feed_id)
    # Its entries go with it (ON DELETE CASCADE): were it followed again, nothing old is re-posted
    # beyond the latest entry, as for any feed added.
    await session.execute(delete(BlogFeed).where(BlogFeed.id == feed.id).execution_options(synchronize_session=False))


async def list_feeds(session: AsyncSession, *, organisation: Account, staff: Account) -> list[FeedRow]:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    posted = (select(BlogEntry.feed_id, func.count(BlogEntry.id).label("posted"),
                     func.max(BlogEntry.posted_at).label("last"))
              .where(BlogEntry.posted_at.is_not(None)).group_by(BlogEntry.feed_id).subquery())
    rows = await session.execute(
        select(BlogFeed, posted.c.posted, posted.c.last).outerjoin(posted, posted.c.feed_id == BlogFeed.id)
        .where(BlogFeed.organisation_id == organisation.id).order_by(BlogFeed.id))
    return [FeedRow(feed, int(count or 0), last) for feed, count, last in rows]
