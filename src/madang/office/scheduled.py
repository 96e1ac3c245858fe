"""A draft on the calendar is a scheduled status of the organisation account (so the account's
Mastodon clients list it too). The scheduling job publishes it at its time and calls back here,
in its own transaction, to record the staff author: a restart in between loses nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Status
from madang.models.office import OfficeDraft
from madang.models.scheduled import ScheduledStatus
from madang.office.draft_events import draft_event, mark_published
from madang.scheduling.manage import cancel_scheduled_status, reschedule_status, schedule_status
from madang.scheduling.publishing import AFTER_PUBLISH
from madang.statuses.create import Site

HOOK = "office.draft_published"


async def schedule_draft_status(
    session: AsyncSession, *, site: Site, organisation: Account, draft: OfficeDraft,
    media_ids: list[int] | None = None,
) -> ScheduledStatus:
    assert draft.scheduled_at is not None
    row = await schedule_status(
        session, site=site, author=organisation, scheduled_at=draft.scheduled_at, text=draft.text,
        spoiler_text=draft.spoiler_text, visibility=draft.visibility, language=draft.language,
        in_reply_to_id=draft.in_reply_to_id, media_ids=media_ids)
    # A new dict, so the JSON column sees the change.
    row.params = {**row.params, "after_publish": HOOK, "office_draft_id": str(draft.id)}
    await session.flush()
    return row


async def _row_of(session: AsyncSession, draft: OfficeDraft) -> ScheduledStatus | None:
    if draft.scheduled_status_id is None:
        return None
    return await session.scalar(select(ScheduledStatus).where(
        ScheduledStatus.id == draft.scheduled_status_id, ScheduledStatus.account_id == draft.organisation_id))


async def unschedule(session: AsyncSession, *, draft: OfficeDraft) -> None:
    row = await _row_of(session, draft)
    if row is not None:  # already gone if cancelled through the organisation's own app
        await cancel_scheduled_status(session, row=row)


async def move(session: AsyncSession, *, draft: OfficeDraft, scheduled_at: datetime) -> None:
    row = await _row_of(session, draft)
    if row is None:
        from madang.core.errors import Conflict

        raise Conflict("예약이 이미 없어졌습니다. 초안을 다시 예약하세요", field="state")
    await reschedule_status(session, row=row, scheduled_at=scheduled_at)


async def draft_published(session: AsyncSession, row: ScheduledStatus, status: Status | None) -> None:
    """The scheduling job's follow-up: the draft is published (or was dropped, say its reply
    target was deleted meanwhile), in the job's transaction."""
    draft = await session.get(OfficeDraft, int(row.params["office_draft_id"]))
    if draft is None or draft.state != "scheduled":
        return
    if status is not None:
        await mark_published(session, draft=draft, status=status, actor=None)
        return
    draft.state, draft.scheduled_status_id = "cancelled", None
    session.add(draft_event(draft, None, "dropped", "scheduled", note="게시 시각에 글을 올릴 수 없어 취소되었습니다"))
    await session.flush()


AFTER_PUBLISH[HOOK] = draft_published
