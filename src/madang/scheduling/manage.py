"""Scheduling a status, listing, moving and cancelling what is scheduled."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.core.ids import new_id
from madang.db.paging import Page, fetch_page
from madang.jobs import enqueue
from madang.models import Account, MediaAttachment
from madang.models.scheduled import ScheduledStatus, ScheduledStatusMedia
from madang.scheduling.rules import check_limits, check_scheduled_at
from madang.statuses.composing import check_length
from madang.statuses.create import Site, check_draft
from madang.statuses.polls import PollSpec
from madang.statuses.queries import get_visible_status

PUBLISH_JOB = "scheduling.publish"


async def schedule_status(
    session: AsyncSession,
    *,
    site: Site,
    author: Account,
    scheduled_at: datetime,
    text: str,
    spoiler_text: str = "",
    sensitive: bool = False,
    visibility: str | None = None,
    language: str | None = None,
    in_reply_to_id: int | None = None,
    application_id: int | None = None,
    idempotency_key: str | None = None,
    default_visibility: str = "public",
    media_ids: list[int] | None = None,
    poll: PollSpec | None = None,
) -> ScheduledStatus:
    """Keep a post until ``scheduled_at``; what would refuse it now is refused now."""
    check_scheduled_at(scheduled_at, utcnow())
    mine = list(await session.scalars(select(ScheduledStatus).where(ScheduledStatus.account_id == author.id)))
    if idempotency_key:
        for row in mine:
            if row.params.get("idempotency") == idempotency_key[:200]:
                return row
    check_limits([row.scheduled_at for row in mine], scheduled_at)
    visibility, language, media_ids = check_draft(
        site, text=text, visibility=visibility, default_visibility=default_visibility, language=language,
        media_ids=media_ids, poll=poll)
    check_length(text or "", spoiler_text or "", max_characters=site.max_characters)
    if in_reply_to_id is not None:
        await get_visible_status(session, in_reply_to_id, author.id)
    await _check_media(session, author.id, media_ids)
    row = ScheduledStatus(id=new_id(), account_id=author.id, scheduled_at=scheduled_at, version=1,
                          created_at=utcnow(), params={
                              "text": text or "", "spoiler_text": spoiler_text or "", "sensitive": bool(sensitive),
                              "visibility": visibility, "language": language, "in_reply_to_id": in_reply_to_id,
                              "application_id": application_id,
                              "idempotency": idempotency_key[:200] if idempotency_key else None,
                              "media_ids": [str(i) for i in media_ids],
                              "poll": poll.as_params() if poll is not None else None,
                              # A job gets only a session and a payload: the site facts travel with the post.
                              "site": asdict(site),
                          })
    session.add(row)
    await session.flush()
    session.add_all([ScheduledStatusMedia(media_attachment_id=m, scheduled_status_id=row.id, position=i)
                     for i, m in enumerate(media_ids)])
    await _enqueue_publish(session, row)
    await session.flush()
    return row


async def _check_media(session: AsyncSession, account_id: int, media_ids: list[int]) -> None:
    """Each upload must be the author's, not on a post and not reserved by another schedule."""
    if not media_ids:
        return
    free = set(await session.scalars(select(MediaAttachment.id).where(
        MediaAttachment.id.in_(media_ids), MediaAttachment.account_id == account_id,
        MediaAttachment.status_id.is_(None),
        MediaAttachment.id.not_in(select(ScheduledStatusMedia.media_attachment_id)))))
    missing = [str(i) for i in media_ids if i not in free]
    if missing:
        raise Invalid(f"Media not found or already attached to another post: {', '.join(missing)}",
                      field="media_ids")


async def _enqueue_publish(session: AsyncSession, row: ScheduledStatus) -> None:
    # The version makes a job queued for an earlier time a no-op after a reschedule.
    await enqueue(session, PUBLISH_JOB, {"scheduled_status_id": row.id, "version": row.version},
                  run_at=row.scheduled_at)


async def get_scheduled_status(session: AsyncSession, *, account_id: int, scheduled_status_id: int) -> ScheduledStatus:
    row = await session.get(ScheduledStatus, scheduled_status_id)
    if row is None or row.account_id != account_id:
        raise NotFound("Record not found")
    return row


async def list_scheduled_statuses(session: AsyncSession, *, account_id: int, page: Page) -> list[ScheduledStatus]:
    return await fetch_page(session, select(ScheduledStatus).where(ScheduledStatus.account_id == account_id),
                            ScheduledStatus.id, page)


async def reschedule_status(session: AsyncSession, *, row: ScheduledStatus, scheduled_at: datetime) -> ScheduledStatus:
    check_scheduled_at(scheduled_at, utcnow())
    others = await session.scalars(select(ScheduledStatus.scheduled_at).where(
        ScheduledStatus.account_id == row.account_id, ScheduledStatus.id != row.id))
    check_limits(list(others), scheduled_at)
    row.scheduled_at = scheduled_at
    row.version += 1
    await session.flush()
    await _enqueue_publish(session, row)
    await session.flush()
    return row


async def cancel_scheduled_status(session: AsyncSession, *, row: ScheduledStatus) -> None:
    """The reservation of its uploads ends with it; they are free for another post."""
    await session.execute(delete(ScheduledStatusMedia).where(ScheduledStatusMedia.scheduled_status_id == row.id))
    await session.execute(delete(ScheduledStatus).where(ScheduledStatus.id == row.id))


async def load_reserved_media(session: AsyncSession, row_ids: list[int]) -> dict[int, list[MediaAttachment]]:
    """The uploads of each scheduled status, in their order."""
    out: dict[int, list[MediaAttachment]] = {i: [] for i in row_ids}
    if not row_ids:
        return out
    rows = await session.execute(
        select(ScheduledStatusMedia.scheduled_status_id, MediaAttachment)
        .join(MediaAttachment, MediaAttachment.id == ScheduledStatusMedia.media_attachment_id)
        .where(ScheduledStatusMedia.scheduled_status_id.in_(row_ids)).order_by(ScheduledStatusMedia.position))
    for scheduled_id, media in rows:
        out[scheduled_id].append(media)
    return out


def poll_of(params: dict[str, Any]) -> PollSpec | None:
    return PollSpec.from_params(params["poll"]) if params.get("poll") else None
