"""A scheduled post with photos sent in the same form (the web's composer): the photos become
the author's attachments and the post keeps them until its time, in one unit of work — as
statuses.with_uploads does for a post published now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.media import MediaStore, create_media_attachment
from madang.models import Account
from madang.models.scheduled import ScheduledStatus
from madang.scheduling.manage import schedule_status
from madang.statuses.with_uploads import Photo


async def schedule_status_with_uploads(
    session: AsyncSession, *, store: MediaStore, author: Account, photos: Sequence[Photo],
    idempotency_key: str | None = None, **post: Any,
) -> tuple[ScheduledStatus, bool]:
    """(the scheduled post, whether the photos were used). The same form sent twice answers the
    first scheduled post and writes nothing, so the caller discards the stored files then."""
    if idempotency_key:
        for row in await session.scalars(select(ScheduledStatus).where(ScheduledStatus.account_id == author.id)):
            if row.params.get("idempotency") == idempotency_key[:200]:
                return row, False
    media_ids = []
    for photo in photos:
        media = await create_media_attachment(session, store=store, account_id=author.id, upload=photo.upload,
                                              description=photo.description)
        media_ids.append(media.id)
    row = await schedule_status(session, author=author, idempotency_key=idempotency_key, media_ids=media_ids, **post)
    return row, True
