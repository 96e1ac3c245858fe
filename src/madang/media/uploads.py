"""Uploading: process the file, store it, then write its row; nothing is left if any step fails.

Files are written before the database unit opens (no file I/O inside SQLite's single write
lock) and removed again if the unit does not commit, so a refused or failed upload leaves
neither a row nor a file.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.jobs import enqueue
from madang.media.rules import check_description, parse_focus
from madang.media.storage import MediaStore
from madang.models.media import MediaAttachment

if TYPE_CHECKING:
    from madang.media.processing import ProcessedImage

CLEANUP_JOB = "media.remove_unattached"
# An upload nobody attached within a day was abandoned (a closed composer, a failed post).
UNATTACHED_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredUpload:
    image: ProcessedImage
    file_key: str
    small_key: str


def new_keys(image: ProcessedImage) -> tuple[str, str]:
    """Unguessable names (a follower-only post's photo must not be found by counting), fanned
    out over 256 folders."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{image.original.extension}", f"{token[:2]}/{token}-small.{image.small.extension}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Invalid(f"File is too large ({megabytes(size)}); the limit is {megabytes(max_bytes)}", field="file")


async def store_upload(store: MediaStore, source: bytes | BinaryIO, *, size: int, max_bytes: int,
                       max_pixels: int) -> StoredUpload:
    check_size(size, max_bytes)
    # Pillow and blurhash load with the first upload, not with every server process.
    from madang.media.processing import process_image

    image = await asyncio.to_thread(process_image, source, max_pixels=max_pixels)
    file_key, small_key = new_keys(image)
    await asyncio.to_thread(store.save, file_key, image.original.data, image.original.content_type)
    try:
        await asyncio.to_thread(store.save, small_key, image.small.data, image.small.content_type)
    except BaseException:
        await asyncio.shield(asyncio.to_thread(store.delete, file_key))
        raise
    return StoredUpload(image, file_key, small_key)


async def discard_upload(store: MediaStore, upload: StoredUpload) -> None:
    for key in (upload.file_key, upload.small_key):
        await asyncio.to_thread(store.delete, key)


@asynccontextmanager
async def stored_upload(store: MediaStore, source: bytes | BinaryIO, *, size: int, max_bytes: int,
                        max_pixels: int) -> AsyncIterator[StoredUpload]:
    """The stored files for the block; deleted again if the block raises (its unit of work
    rolled back, so no row will ever point at them)."""
    upload = await store_upload(store, source, size=size, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        yield upload
    except BaseException:
        await asyncio.shield(discard_upload(store, upload))
        raise


async def create_media_attachment(
    session: AsyncSession, *, store: MediaStore, account_id: int, upload: StoredUpload,
    description: str | None = None, focus: str | None = None,
) -> MediaAttachment:
    description = check_description(description)
    x, y = parse_focus(focus) or (0.0, 0.0)
    original, small = upload.image.original, upload.image.small
    media = MediaAttachment(
        id=new_id(), account_id=account_id, type="image", content_type=original.content_type,
        file_key=upload.file_key, file_size=len(original.data), width=original.width, height=original.height,
        small_key=upload.small_key, small_content_type=small.content_type, small_width=small.width,
        small_height=small.height, blurhash=upload.image.blurhash, description=description,
        focus_x=x, focus_y=y, created_at=utcnow(),
    )
    session.add(media)
    # The sweep that removes it if it is never attached; it finds nothing to do otherwise.
    await enqueue(session, CLEANUP_JOB, {"media_id": media.id, "store": store.location},
                  run_at=media.created_at + UNATTACHED_TTL)
    await session.flush()
    return media
