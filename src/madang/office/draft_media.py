"""The photos a draft keeps until it goes out. They are the organisation's own uploads, held by
the draft (not swept as abandoned, not taken by another draft or schedule), so an approver sees
them first; when the draft goes out they go on the post (or on its scheduled status), and a
cancelled draft lets them go (the day-old sweep removes them)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.media.attach import check_media_ids
from madang.models.media import MediaAttachment
from madang.models.office import OfficeDraft, OfficeDraftMedia
from madang.models.scheduled import ScheduledStatusMedia


async def keep_draft_media(session: AsyncSession, *, draft: OfficeDraft, media_ids: list[int] | None) -> None:
    media_ids = check_media_ids(media_ids)  # at most four, no repeats
    if not media_ids:
        return
    free = set(await session.scalars(select(MediaAttachment.id).where(
        MediaAttachment.id.in_(media_ids), MediaAttachment.account_id == draft.organisation_id,
        MediaAttachment.status_id.is_(None),
        MediaAttachment.id.not_in(select(ScheduledStatusMedia.media_attachment_id)),
        MediaAttachment.id.not_in(select(OfficeDraftMedia.media_attachment_id)))))
    if any(i not in free for i in media_ids):
        raise Invalid("사진을 찾을 수 없거나 이미 다른 글에 붙어 있습니다", field="photo")
    session.add_all([OfficeDraftMedia(media_attachment_id=m, draft_id=draft.id, position=i)
                     for i, m in enumerate(media_ids)])
    await session.flush()


async def draft_media(session: AsyncSession, draft_id: int) -> list[MediaAttachment]:
    """The draft's photos in their order (for the draft's page)."""
    return list(await session.scalars(
        select(MediaAttachment).join(OfficeDraftMedia, OfficeDraftMedia.media_attachment_id == MediaAttachment.id)
        .where(OfficeDraftMedia.draft_id == draft_id).order_by(OfficeDraftMedia.position)))


async def release_draft_media(session: AsyncSession, draft_id: int) -> list[int]:
    """The draft lets its photos go; returns their ids in order (to put on the post going out)."""
    ids = list(await session.scalars(select(OfficeDraftMedia.media_attachment_id)
                                     .where(OfficeDraftMedia.draft_id == draft_id)
                                     .order_by(OfficeDraftMedia.position)))
    if ids:
        await session.execute(delete(OfficeDraftMedia).where(OfficeDraftMedia.draft_id == draft_id))
    return ids
