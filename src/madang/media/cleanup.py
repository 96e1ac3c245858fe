"""Removing uploads that were never attached to a status, a day after they arrived.

Each upload enqueues ``media.remove_unattached`` to run 24 hours later (uploads.py). The job
sweeps every unattached upload older than that, not only its own, so one whose job was lost
or pruned is still found by the next; it is idempotent (what is gone stays gone, and an
upload attached meanwhile is left alone). Files are deleted only after the rows' deletion has
committed: a crash in between leaves an unreferenced file, never a row without its file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.database import after_commit
from madang.jobs import enqueue, handler
from madang.media.queries import delete_files_soon
from madang.media.storage import MediaStore, open_store
from madang.media.uploads import CLEANUP_JOB, UNATTACHED_TTL
from madang.models.media import MediaAttachment
from madang.models.office import OfficeDraftMedia
from madang.models.scheduled import ScheduledStatusMedia

SWEEP_BATCH = 200  # short write transactions: SQLite has one writer for everything


async def remove_unattached_media(session: AsyncSession, *, store: MediaStore, now: datetime | None = None,
                                  batch: int = SWEEP_BATCH) -> int:
    """Delete up to ``batch`` unattached uploads older than a day; returns how many."""
    cutoff = (now or utcnow()) - UNATTACHED_TTL
    # Uploads reserved by a scheduled post or kept by an office draft wait for it, however long.
    reserved = select(ScheduledStatusMedia.media_attachment_id).union_all(
        select(OfficeDraftMedia.media_attachment_id))
    abandoned = (MediaAttachment.status_id.is_(None), MediaAttachment.created_at <= cutoff,
                 MediaAttachment.id.not_in(reserved))
    oldest = select(MediaAttachment.id).where(*abandoned).order_by(MediaAttachment.created_at).limit(batch)
    # The conditions again on the DELETE itself: on PostgreSQL an upload attached while we
    # looked is re-checked under its row lock and kept. RETURNING names exactly what went.
    result = await session.execute(
        delete(MediaAttachment).where(MediaAttachment.id.in_(oldest.scalar_subquery()), *abandoned)
        .returning(MediaAttachment.file_key, MediaAttachment.small_key)
        .execution_options(synchronize_session=False)
    )
    keys = [key for row in result.all() for key in row]
    if keys:
        after_commit(session, lambda: delete_files_soon(store, keys))
    return len(keys) // 2


@handler(CLEANUP_JOB)
async def remove_unattached(session: AsyncSession, payload: dict) -> None:
    store = open_store(payload["store"])
    if await remove_unattached_media(session, store=store) == SWEEP_BATCH:
        # More are waiting: carry on in a fresh transaction rather than hold the lock.
        await enqueue(session, CLEANUP_JOB, {"store": payload["store"]})
