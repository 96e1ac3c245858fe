"""Who may see a status, as Mastodon's visibility levels mean it, in SQL and in Python."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.models import Block, Follow, Mention, Status

PUBLIC_ISH = ("public", "unlisted")


def visible_to(viewer_id: int | None, status: type[Status] | object = Status) -> ColumnElement[bool]:
    """A WHERE clause: not deleted, and public/unlisted, own, followers-only to a follower,
    or addressed to the viewer by mention. Blocks are applied separately (a small id set)."""
    s = status  # may be an alias of Status
    alive = s.deleted_at.is_(None)  # type: ignore[attr-defined]
    public = s.visibility.in_(PUBLIC_ISH)  # type: ignore[attr-defined]
    if viewer_id is None:
        return and_(alive, public)
    follows_author = exists().where(Follow.account_id == viewer_id, Follow.target_account_id == s.account_id)  # type: ignore[attr-defined]
    mentioned = exists().where(Mention.status_id == s.id, Mention.account_id == viewer_id)  # type: ignore[attr-defined]
    return and_(
        alive,
        or_(public, s.account_id == viewer_id, and_(s.visibility == "private", follows_author), mentioned),  # type: ignore[attr-defined]
    )


def not_blocked(viewer_id: int | None, status: type[Status] | object = Status) -> ColumnElement[bool]:
    if viewer_id is None:
        return ~false()
    s = status
    return ~exists().where(
        or_(
            and_(Block.account_id == viewer_id, Block.target_account_id == s.account_id),  # type: ignore[attr-defined]
            and_(Block.account_id == s.account_id, Block.target_account_id == viewer_id),  # type: ignore[attr-defined]
        )
    )


def boosted_visible_to(viewer_id: int | None, status: type[Status] | object = Status) -> ColumnElement[bool]:
    """True for a post, and for a boost whose original the viewer may see and is not
    blocked from: a boost row alone would show what its original hides."""
    s = status
    original = aliased(Status)
    return or_(
        s.reblog_of_id.is_(None),  # type: ignore[attr-defined]
        exists().where(original.id == s.reblog_of_id,  # type: ignore[attr-defined]
                       visible_to(viewer_id, original), not_blocked(viewer_id, original)),
    )


async def can_view(session: AsyncSession, status: Status, viewer_id: int | None) -> bool:
    row = await session.scalar(select(Status.id).where(
        Status.id == status.id, visible_to(viewer_id), not_blocked(viewer_id), boosted_visible_to(viewer_id)))
    return row is not None


def can_reblog(status: Status, account_id: int) -> bool:
    """Public and unlisted posts can be boosted; followers-only only by their author."""
    if status.reblog_of_id is not None:
        return False
    return status.visibility in PUBLIC_ISH or (status.visibility == "private" and status.account_id == account_id)
