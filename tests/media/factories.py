"""Uploading through the real use cases, as the API route does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from madang.db import Database
from madang.media import LocalMediaStore, create_media_attachment, stored_upload
from madang.models import Account, MediaAttachment
from tests.media.images import phone_jpeg

MAX_BYTES = 16 * 1024 * 1024
MAX_PIXELS = 33_177_600


async def upload(db: Database, store: LocalMediaStore, account: Account, data: bytes | None = None, *,
                 description: str | None = None, focus: str | None = None, max_bytes: int = MAX_BYTES,
                 max_pixels: int = MAX_PIXELS) -> MediaAttachment:
    data = phone_jpeg() if data is None else data
    async with (
        stored_upload(store, data, size=len(data), max_bytes=max_bytes, max_pixels=max_pixels) as stored,
        db.write() as s,
    ):
        return await create_media_attachment(s, store=store, account_id=account.id, upload=stored,
                                             description=description, focus=focus)


def stored_files(store: LocalMediaStore) -> list[Path]:
    return sorted(p for p in Path(store.root).rglob("*") if p.is_file())


async def count_media(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(MediaAttachment)) or 0)
