"""Reading statuses: one status, a thread, an account's posts, who favourited or boosted."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.fast_select import FastSelect
from madang.db.replicas import replica_read
from madang.db.paging import Page, bounded_by_params, cursor_shape, fetch_page, fetch_prebuilt_page
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


@lru_cache(maxsize=2)
def _shown_status_statement(signed_in: bool) -> FastSelect:
    viewer = bindparam("viewer") if signed_in else None
    return FastSelect(
        select(*Status.__table__.c).join(Account, Account.id == Status.account_id).where(
            Status.id == bindparam("id"), visible_to(viewer), not_blocked(viewer), boosted_visible_to(viewer),
            Account.suspended_at.is_(None)),
        name="StatusRow")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def get_shown_status(session: AsyncSession, status_id: int, viewer_id: int | None) -> Status:
    """``get_visible_status`` for showing only: a read-only row from a statement built once
    (a thread or a permalink is read as often as a timeline)."""
    params = {"id": status_id} if viewer_id is None else {"id": status_id, "viewer": viewer_id}
    row = await _shown_status_statement(viewer_id is not None).first(session, params)
    if row is None:
        raise NotFound("Record not found")
    return row


@dataclass
class AccountStatusFilter:
    only_media: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    pinned: bool = False
    tagged: str | None = None


@lru_cache(maxsize=256)
def _account_statement(signed_in: bool, pinned: bool, exclude_replies: bool, exclude_reblogs: bool,
                       only_media: bool, tagged: bool, cursors: tuple[bool, bool, bool]) -> FastSelect:
    """An account's posts for one combination of filters, built once: building the visibility
    clauses per request cost ~8 ms of CPU, ten times the query (a profile is read as often as
    a timeline)."""
    viewer = bindparam("viewer") if signed_in else None
    account = bindparam("account")
    stmt: Select = select(*Status.__table__.c).where(
        Status.account_id == account, visible_to(viewer), not_blocked(viewer), boosted_visible_to(viewer))
    if pinned:
        stmt = stmt.where(Status.id.in_(select(StatusPin.status_id).where(StatusPin.account_id == account)))
    if exclude_replies:
        # Self-replies (threads) stay, as on Mastodon.
        stmt = stmt.where((Status.in_reply_to_id.is_(None)) | (Status.in_reply_to_account_id == account))
    if exclude_reblogs:
        stmt = stmt.where(Status.reblog_of_id.is_(None))
    if only_media:
        stmt = stmt.where(has_media(Status.id))
    if tagged:
        stmt = stmt.where(Status.id.in_(
            select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id).where(Tag.key == bindparam("tag"))))
    return FastSelect(bounded_by_params(stmt, Status.id, cursors), name="StatusRow")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def list_account_statuses(
    session: AsyncSession, *, account: Account, viewer_id: int | None, page: Page, filters: AccountStatusFilter
) -> list[Status]:
    stmt = _account_statement(viewer_id is not None, filters.pinned, filters.exclude_replies, filters.exclude_reblogs,
                              filters.only_media, bool(filters.tagged), cursor_shape(page))
    params = {"account": account.id, "viewer": viewer_id,
              "tag": normalize_tag(filters.tagged) if filters.tagged else None}
    return await fetch_prebuilt_page(stmt, session, page, params)


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
