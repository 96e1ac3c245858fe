"""Posting with photos uploaded in the same request (the web composer): the attachments and
the post are written in one unit of work, so a refused post leaves no upload behind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.media import MediaStore, create_media_attachment
from madang.media.uploads import StoredUpload
from madang.models import Account, Status
from madang.statuses.create import create_status, find_by_idempotency_key


@dataclass(frozen=True)
class Photo:
    upload: StoredUpload
    description: str | None


async def create_status_with_uploads(
    session: AsyncSession, *, store: MediaStore, author: Account, photos: Sequence[Photo],
    idempotency_key: str | None = None, **post: Any,
) -> tuple[Status, bool]:
    """(the status, whether the photos were used). A repeated idempotency key answers the
    earlier post and writes nothing, so the caller must discard the stored files then."""
    existing = await find_by_idempotency_key(session, author.id, idempotency_key)
    if existing is not None:
        return existing, False
    media_ids = []
    for photo in photos:
        media = await create_media_attachment(session, store=store, account_id=author.id, upload=photo.upload,
                                              description=photo.description)
        media_ids.append(media.id)
    status = await create_status(session, author=author, idempotency_key=idempotency_key, media_ids=media_ids,
                                 **post)
    return status, True
