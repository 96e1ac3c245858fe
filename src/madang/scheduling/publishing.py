"""The job that publishes a scheduled status at its time, exactly once.

The scheduled row is deleted in the same transaction as the status is written, so a crash
leaves either both done or neither; a job whose row is gone (cancelled, already published)
or was moved to another time (another version) does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import DomainError
from madang.jobs import handler
from madang.models import Account, Status
from madang.models.scheduled import ScheduledStatus, ScheduledStatusMedia
from madang.scheduling.manage import PUBLISH_JOB, poll_of
from madang.statuses.create import Site, create_status

log = logging.getLogger(__name__)
# A package above scheduling (the office) names a follow-up in the row's params
# ("after_publish"); it runs in the job's transaction with the new status, or None when the post
# was dropped. Registered by name, since scheduling may not import the packages above it.
AfterPublish = Callable[[AsyncSession, ScheduledStatus, Status | None], Awaitable[None]]
AFTER_PUBLISH: dict[str, AfterPublish] = {}


@handler(PUBLISH_JOB)
async def publish_scheduled_status(session: AsyncSession, payload: dict) -> None:
    row = await session.scalar(select(ScheduledStatus).where(
        ScheduledStatus.id == int(payload["scheduled_status_id"]),
        ScheduledStatus.version == int(payload.get("version", 1))))
    if row is None:
        return
    p = row.params
    # The uploads still reserved (one deleted meanwhile is left out rather than sink the post).
    media_ids = list(await session.scalars(select(ScheduledStatusMedia.media_attachment_id).where(
        ScheduledStatusMedia.scheduled_status_id == row.id).order_by(ScheduledStatusMedia.position)))
    # Gone first: the uploads' reservation ends and the row cannot be published again.
    await session.execute(delete(ScheduledStatusMedia).where(ScheduledStatusMedia.scheduled_status_id == row.id))
    await session.execute(delete(ScheduledStatus).where(ScheduledStatus.id == row.id))
    author = await session.get(Account, row.account_id)
    if author is None or author.suspended_at is not None:
        return
    try:
        async with session.begin_nested():
            status = await create_status(
                session, site=Site(**p["site"]), author=author, text=p["text"], spoiler_text=p["spoiler_text"],
                sensitive=p["sensitive"], visibility=p["visibility"], language=p["language"],
                in_reply_to_id=p["in_reply_to_id"], application_id=p["application_id"],
                idempotency_key=p["idempotency"], media_ids=media_ids, poll=poll_of(p))
            if p.get("after_publish"):
                await AFTER_PUBLISH[p["after_publish"]](session, row, status)
    except DomainError as exc:
        # As Mastodon: a post that no longer holds (its reply target deleted, say) is dropped.
        log.warning("scheduled status %s of account %s dropped: %s", row.id, row.account_id, exc.message)
        if p.get("after_publish"):
            await AFTER_PUBLISH[p["after_publish"]](session, row, None)
