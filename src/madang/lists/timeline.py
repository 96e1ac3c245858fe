"""The list timeline, computed when it is read.

Mastodon keeps a Redis feed per list, filled by fan-out. Here a list timeline is read from
``statuses`` by the members' ids, with the same visibility, block and mute rules as every
other status query. Lists are few and small next to home feeds, so a per-list feed table
would cost a write per post per list holding its author, plus clean-up on every membership
change and unfollow, to save a read that is already an index walk; and reading at read time
makes a member's earlier posts appear as soon as they are added, and leave as they go.

One ``account_id IN (members) ORDER BY id DESC LIMIT n`` makes both databases fetch and
sort every post of every member (SQLite: 20 ms a page at 10,000 member posts, growing with
them). Instead each member gets its own branch, ``account_id = m ORDER BY id DESC LIMIT n``
on ``ix_statuses_account_id_id``, which stops after ``n`` matches: a page costs members × n
index steps, whatever the members have written (bench figures in the lists report).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.accounts import hidden_account_ids_query
from madang.accounts.policies import not_on_blocked_domain
from madang.core.clock import utcnow
from madang.db.paging import Page
from madang.lists.manage import get_list
from madang.lists.members import member_ids_query
from madang.models import Follow, List, ListAccount, Status
from madang.statuses.policies import boosted_visible_to, not_blocked, visible_to


def _replies_shown(row: List) -> ColumnElement[bool]:
    """Mastodon's FeedManager#filter_from_list: posts, self-replies and replies to the
    owner always; replies to others by ``replies_policy`` (followed: to anyone the owner
    follows; list: to a member; none: no others)."""
    shown: list[ColumnElement[bool]] = [
        Status.in_reply_to_id.is_(None),
        Status.in_reply_to_account_id == Status.account_id,
        Status.in_reply_to_account_id == row.account_id,
    ]
    if row.replies_policy == "followed":
        shown.append(exists().where(Follow.account_id == row.account_id,
                                    Follow.target_account_id == Status.in_reply_to_account_id))
    elif row.replies_policy == "list":
        shown.append(exists().where(ListAccount.list_id == row.id,
                                    ListAccount.account_id == Status.in_reply_to_account_id))
    return or_(*shown)


def _boost_shown(viewer_id: int, hidden: Any) -> ColumnElement[bool]:
    """A boost shows when its original may be seen, the original's author is not blocked or
    muted, and the owner has not turned off this member's boosts (follow ``reblogs=false``)."""
    original = aliased(Status)
    return or_(
        Status.reblog_of_id.is_(None),
        and_(
            boosted_visible_to(viewer_id),
            ~exists().where(original.id == Status.reblog_of_id, original.account_id.in_(hidden)),
            ~exists().where(Follow.account_id == viewer_id, Follow.target_account_id == Status.account_id,
                            Follow.show_reblogs.is_(False)),
        ),
    )


def _shown(row: List) -> list[ColumnElement[bool]]:
    """What the owner may see of a member's statuses on this list."""
    viewer = row.account_id
    hidden = hidden_account_ids_query(viewer, now=utcnow()).scalar_subquery()
    return [
        # Direct messages go to conversations, never to lists (Mastodon's fan-out).
        Status.visibility != "direct",
        visible_to(viewer), not_blocked(viewer),
        Status.account_id.not_in(hidden),
        not_on_blocked_domain(viewer, Status.account_id),  # issue 14: servers the owner blocked
        _replies_shown(row),
        _boost_shown(viewer, hidden),
    ]


def list_statuses_query(row: List) -> Any:
    """Statuses the list's timeline shows to its owner, unordered and unbounded."""
    return select(Status).where(Status.account_id.in_(member_ids_query(row.id).scalar_subquery()), *_shown(row))


# Branches per statement: SQLite allows 500 terms in a compound SELECT.
BRANCHES = 200


def _bounded(stmt: Any, page: Page) -> Any:
    if page.max_id is not None:
        stmt = stmt.where(Status.id < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(Status.id > page.since_id)
    if page.min_id is not None:
        return stmt.where(Status.id > page.min_id).order_by(Status.id.asc()).limit(page.limit)
    return stmt.order_by(Status.id.desc()).limit(page.limit)


async def _page_ids(session: AsyncSession, row: List, members: list[int], page: Page) -> list[int]:
    """The page's status ids: each member's own best ``limit``, then the best of those."""
    shown = _shown(row)
    found: list[int] = []
    for start in range(0, len(members), BRANCHES):
        branches = [_bounded(select(Status.id).where(Status.account_id == m, *shown), page).subquery()
                    for m in members[start:start + BRANCHES]]
        found += await session.scalars(union_all(*[select(b.c.id) for b in branches]))
    ascending = page.min_id is not None
    return sorted(found, reverse=not ascending)[:page.limit]


async def list_list_timeline(session: AsyncSession, *, owner_id: int, list_id: int, page: Page) -> list[Status]:
    """Newest first; NotFound for a list that is not the viewer's."""
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    members = list(await session.scalars(member_ids_query(row.id)))
    ids = await _page_ids(session, row, members, page) if members else []
    if not ids:
        return []
    by_id = {s.id: s for s in await session.scalars(select(Status).where(Status.id.in_(ids)))}
    ordered = sorted(ids, reverse=True)
    return [by_id[i] for i in ordered if i in by_id]


async def list_ids_showing(
    session: AsyncSession, *, status_id: int, author_id: int, among: Collection[int] | None = None,
) -> list[tuple[int, int]]:
    """(list id, owner id) of every list whose timeline shows this status now: for a
    ``list`` stream to tell which subscribers get an ``update``. Same rules as the timeline,
    one query per list holding the author; ``among`` (the list ids someone is streaming)
    keeps that to the lists that matter."""
    stmt = select(List).join(ListAccount, ListAccount.list_id == List.id).where(ListAccount.account_id == author_id)
    if among is not None:
        stmt = stmt.where(List.id.in_(list(among)))
    candidates = await session.scalars(stmt)
    found = []
    for row in candidates:
        hit = await session.scalar(list_statuses_query(row).with_only_columns(Status.id).where(Status.id == status_id))
        if hit is not None:
            found.append((row.id, row.account_id))
    return found
