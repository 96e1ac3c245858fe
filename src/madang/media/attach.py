"""Attaching uploads to a status (on posting and on editing), up to four, one's own only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.media.rules import MAX_ATTACHMENTS
from madang.models import Status
from madang.models.media import MediaAttachment


def check_media_ids(media_ids: Sequence[int] | None) -> list[int]:
    """The ids once each, in the order given; more than four is refused, not cut."""
    ids = list(dict.fromkeys(int(i) for i in media_ids or ()))
    if len(ids) > MAX_ATTACHMENTS:
        raise Invalid(f"You cannot attach more than {MAX_ATTACHMENTS} files", field="media_ids")
    return ids


async def attach_media(
    session: AsyncSession, *, status: Status, account_id: int, media_ids: Sequence[int],
) -> list[MediaAttachment]:
    """Make ``media_ids`` (in that order) the attachments ``status`` shows.

    Each must be the account's own upload, either not yet attached or already on this status
    (an edit keeps some and adds others). Attachments an edit leaves out stay linked to the
    status with no position: earlier revisions showed them. Returns the attachments in order.
    """
    ids = check_media_ids(media_ids)
    attachable = or_(MediaAttachment.status_id.is_(None), MediaAttachment.status_id == status.id)
    if ids:
        found = set(await session.scalars(select(MediaAttachment.id).where(
            MediaAttachment.id.in_(ids), MediaAttachment.account_id == account_id, attachable)))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise Invalid(f"Media not found or already attached to another post: {', '.join(missing)}",
                          field="media_ids")
    await session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.status_id == status.id, MediaAttachment.id.not_in(ids))
        .values(position=None).execution_options(synchronize_session=False)
    )
    for position, media_id in enumerate(ids):
        # Conditional, so two posts racing for one upload cannot both take it.
        result = await session.execute(
            update(MediaAttachment)
            .where(MediaAttachment.id == media_id, MediaAttachment.account_id == account_id, attachable)
            .values(status_id=status.id, position=position).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Invalid(f"Media already attached to another post: {media_id}", field="media_ids")
    if not ids:
        return []
    rows = await session.scalars(
        select(MediaAttachment).where(MediaAttachment.id.in_(ids))
        .order_by(MediaAttachment.position).execution_options(populate_existing=True)
    )
    return list(rows)


async def count_attached_media(session: AsyncSession, status_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(MediaAttachment).where(
        MediaAttachment.status_id == status_id, MediaAttachment.position.is_not(None))) or 0)
