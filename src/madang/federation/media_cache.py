"""Remote photos cached here (MADANG_REMOTE_MEDIA=cache): fetched through the guarded client,
checked and re-encoded as uploads are (metadata stripped, pixels bounded), then served from
/media/, so a reader's address never reaches the remote server."""

from __future__ import annotations

import logging
from typing import Any

from madang.core.errors import Invalid
from madang.federation.config import config_of
from madang.jobs import handler
from madang.media.storage import open_store
from madang.media.uploads import discard_upload, store_upload
from madang.models import MediaAttachment
from madang.net import GuardedClient, OutboundError, OutboundPolicy

log = logging.getLogger(__name__)
CACHE_JOB = "federation.cache_media"


@handler(CACHE_JOB, unit=False, max_attempts=5)
async def cache_media(db: Any, payload: dict) -> None:
    config = config_of(db)
    media_id = int(payload["media_id"])
    async with db.read() as session:
        media = await session.get(MediaAttachment, media_id)
    if media is None or media.file_key or not media.remote_url:
        return
    try:
        async with GuardedClient(OutboundPolicy.parse(config.allowed_hosts), max_bytes=config.media_max_bytes,
                                 timeout=15.0) as client:
            answer = await client.get(media.remote_url, headers={"Accept": "image/*"})
    except OutboundError as exc:
        log.info("remote media %s not fetched: %s", media.remote_url, exc)
        raise
    if answer.status_code in (404, 410) or 400 <= answer.status_code < 500:
        log.info("remote media %s answered %s: left linked", media.remote_url, answer.status_code)
        return
    if answer.status_code != 200:
        raise RuntimeError(f"{media.remote_url} answered {answer.status_code}")
    store = open_store(config.media_store_location)
    try:
        upload = await store_upload(store, answer.content, size=len(answer.content),
                                    max_bytes=config.media_max_bytes, max_pixels=config.media_max_pixels)
    except Invalid as exc:
        log.info("remote media %s is not a usable image: %s", media.remote_url, exc)
        return
    try:
        async with db.write() as session:
            row = await session.get(MediaAttachment, media_id)
            if row is None or row.file_key:
                await discard_upload(store, upload)
                return
            original, small = upload.image.original, upload.image.small
            row.file_key, row.small_key = upload.file_key, upload.small_key
            row.content_type, row.small_content_type = original.content_type, small.content_type
            row.file_size, row.width, row.height = len(original.data), original.width, original.height
            row.small_width, row.small_height = small.width, small.height
            row.blurhash = row.blurhash or upload.image.blurhash
    except BaseException:
        await discard_upload(store, upload)
        raise


async def prune_cached_media(session: Any, *, store: Any, days: int) -> int:
    """Cached copies of remote media older than ``days`` go (files by a job); the rows link to
    the origin again and are cached anew if asked for by a new post. How many were pruned."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from madang.core.clock import utcnow
    from madang.media.file_removal import remove_files_later

    cutoff = utcnow() - timedelta(days=max(0, days))
    rows = list((await session.execute(
        select(MediaAttachment.id, MediaAttachment.file_key, MediaAttachment.small_key)
        .where(MediaAttachment.remote_url.is_not(None), MediaAttachment.file_key != "",
               MediaAttachment.created_at < cutoff))).all())
    if not rows:
        return 0
    await session.execute(update(MediaAttachment).where(MediaAttachment.id.in_([r.id for r in rows]))
                          .values(file_key="", small_key="").execution_options(synchronize_session=False))
    await remove_files_later(session, store=store, keys=[k for r in rows for k in (r.file_key, r.small_key)])
    return len(rows)
