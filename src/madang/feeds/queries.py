"""What a feed, an embed and oEmbed may show: public posts only, read as a guest would."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import find_account_by_acct
from madang.core.errors import NotFound
from madang.db.paging import Page
from madang.models import Account, Status
from madang.statuses.policies import PUBLIC_ISH
from madang.statuses.queries import AccountStatusFilter, list_account_statuses
from madang.statuses.views import StatusView, load_status_views
from madang.timelines.queries import list_tag_timeline

FEED_SIZE = 20
WIDGET_MAX = 40
MAX_ID = 2**63 - 1  # a longer number is no post (and would overflow a BIGINT)
# Mastodon's profile feed: the account's own posts (self-threads kept), no boosts, no replies to
# others; public and unlisted, as the profile page shows them to a guest.
_FEED_FILTER = AccountStatusFilter(exclude_replies=True, exclude_reblogs=True)
_STATUS_PATH = re.compile(r"^/@([^/@]+)/(\d{1,19})/?$|^/statuses/(\d{1,19})/?$")


async def get_feed_account(session: AsyncSession, username: str) -> Account:
    """A local, unsuspended account; anything else (remote, unknown, suspended) is NotFound."""
    name = username.removeprefix("@")
    if not name or "@" in name or len(name) > 30:
        raise NotFound("Record not found")
    account = await find_account_by_acct(session, name)
    if account is None or account.domain is not None or account.suspended_at is not None:
        raise NotFound("Record not found")
    return account


async def list_account_feed(session: AsyncSession, *, account: Account, limit: int = FEED_SIZE) -> list[StatusView]:
    """The newest posts of the account a guest may read, ready to show (media, tags loaded)."""
    rows = await list_account_statuses(session, account=account, viewer_id=None,
                                       page=Page(limit=max(1, min(limit, WIDGET_MAX))), filters=_FEED_FILTER)
    return await load_status_views(session, rows, None)


async def list_tag_feed(session: AsyncSession, *, tag: str, limit: int = FEED_SIZE) -> list[StatusView]:
    """The newest public posts with the tag (unlisted ones stay out, as on the tag page)."""
    rows = await list_tag_timeline(session, tag_names=[tag], viewer_id=None, page=Page(limit=limit))
    return await load_status_views(session, rows, None)


async def get_embeddable_status(session: AsyncSession, *, status_id: int, username: str | None = None) -> StatusView:
    """A local post anyone may read (public or unlisted, not a boost, author not suspended);
    with ``username``, it must also be that author's. NotFound alike for everything else."""
    if status_id > MAX_ID:
        raise NotFound("Record not found")
    status = await session.scalar(select(Status).where(
        Status.id == status_id, Status.deleted_at.is_(None), Status.local.is_(True),
        Status.visibility.in_(PUBLIC_ISH), Status.reblog_of_id.is_(None)))
    if status is None:
        raise NotFound("Record not found")
    view = (await load_status_views(session, [status], None))[0]
    author = view.account
    if author.suspended_at is not None or (username is not None and author.username.lower() != username.lower()):
        raise NotFound("Record not found")
    return view


def status_id_from_url(url: str, *, host: str) -> tuple[str | None, int] | None:
    """(username or None, status id) from a link to a post on this site, or None when the
    link is not one (another host, another kind of page)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return None
    found = _STATUS_PATH.match(unquote(parts.path))
    if found is None:
        return None
    username, by_user, by_id = found.groups()
    return (username, int(by_user)) if by_user else (None, int(by_id))
