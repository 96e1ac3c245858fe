"""Reading statuses: one status, a thread, an account's posts, who favourited or boosted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.paging import Page, fetch_page
from madang.db.replicas import replica_read
from madang.media import has_media
from madang.models import Account, Favourite, Mention, Status, StatusPin, StatusTag, Tag
from madang.statuses.policies import boosted_visible_to, not_blocked, visible_to
from madang.statuses.threads import Context, get_context  # noqa: F401 (re-exported for surfaces)
from madang.text import normalize_tag


async def find_status(session: AsyncSession, status_id: int) -> Status | None:
    return await session.get(Status, status_id)


async def get_status(session: AsyncSession, status_id: int) -> Status:
    """The row whatever its state (deleted too): for undoing marks, never for showing."""
    status = await find_status(session, status_id)
    if status is None:
        raise NotFound("Record not found")
    return status


async def get_visible_status(session: AsyncSession, status_id: int, viewer_id: int | None) -> Status:
    """The status if the viewer may see it; NotFound alike for missing, deleted and hidden
    (a boost counts as hidden when its original is)."""
    status = await session.scalar(select(Status).where(
        Status.id == status_id, visible_to(viewer_id), not_blocked(viewer_id), boosted_visible_to(viewer_id)))
    if status is None:
        raise NotFound("Record not found")
    # A suspended author's posts are gone for everyone, permalinks and threads included (the
    # author is loaded anyway to show the post: this is an identity-map hit afterwards).
    author = await session.get(Account, status.account_id)
    if author is None or author.suspended_at is not None:
        raise NotFound("Record not found")
    return status


@dataclass
class AccountStatusFilter:
    only_media: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    pinned: bool = False
    tagged: str | None = None


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def list_account_statuses(
    session: AsyncSession, *, account: Account, viewer_id: int | None, page: Page, filters: AccountStatusFilter
) -> list[Status]:
    stmt: Select = select(Status).where(
        Status.account_id == account.id, visible_to(viewer_id), not_blocked(viewer_id), boosted_visible_to(viewer_id)
    )
    if filters.pinned:
        stmt = stmt.where(Status.id.in_(select(StatusPin.status_id).where(StatusPin.account_id == account.id)))
    if filters.exclude_replies:
        # Self-replies (threads) stay, as on Mastodon.
        stmt = stmt.where((Status.in_reply_to_id.is_(None)) | (Status.in_reply_to_account_id == account.id))
    if filters.exclude_reblogs:
        stmt = stmt.where(Status.reblog_of_id.is_(None))
    if filters.only_media:
        stmt = stmt.where(has_media(Status.id))
    if filters.tagged:
        stmt = stmt.where(Status.id.in_(
            select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id).where(Tag.key == normalize_tag(filters.tagged))
        ))
    return await fetch_page(session, stmt, Status.id, page)


async def list_favourited_by(session: AsyncSession, *, status: Status, page: Page) -> list[tuple[int, Account]]:
    stmt = select(Favourite.id, Account).join(Account, Account.id == Favourite.account_id).where(
        Favourite.status_id == status.id
    )
    return [(row[0], row[1]) for row in await fetch_page(session, stmt, Favourite.id, page, rows=True)]


async def list_reblogged_by(session: AsyncSession, *, status: Status, page: Page) -> list[tuple[int, Account]]:
    stmt = select(Status.id, Account).join(Account, Account.id == Status.account_id).where(
        Status.reblog_of_id == status.id, Status.deleted_at.is_(None)
    )
    return [(row[0], row[1]) for row in await fetch_page(session, stmt, Status.id, page, rows=True)]


async def mentioned_account_ids(session: AsyncSession, status_id: int) -> list[int]:
    return list(await session.scalars(select(Mention.account_id).where(Mention.status_id == status_id)))


async def list_marked_statuses(
    session: AsyncSession, *, mark: type, account_id: int, page: Page
) -> list[tuple[int, Status]]:
    """The viewer's favourites or bookmarks (``mark`` is Favourite or Bookmark), newest mark
    first; the cursor is the mark's id, so paging follows the Link header only."""
    stmt = (select(mark.id, Status).join(Status, Status.id == mark.status_id)
            .where(mark.account_id == account_id, visible_to(account_id), not_blocked(account_id)))
    return [(row[0], row[1]) for row in await fetch_page(session, stmt, mark.id, page, rows=True)]
