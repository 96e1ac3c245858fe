"""The office's composer in one use case: write a draft as the organisation and, in the same
transaction, keep it, ask for approval, or publish it (now, or at its time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.links import shorten_links_in_text
from madang.models import Account
from madang.models.office import OfficeDraft
from madang.office.draft_media import keep_draft_media
from madang.office.drafts import create_draft, publish_draft, submit_draft
from madang.scheduling.rules import check_scheduled_at
from madang.statuses.create import Site

ACTIONS = ("save", "submit", "publish")


async def compose_as_organisation(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, action: str, text: str,
    spoiler_text: str = "", visibility: str = "public", category: str | None = None,
    scheduled_at: datetime | None = None, in_reply_to_id: int | None = None, shorten_links: bool = False,
    media_ids: list[int] | None = None,
) -> OfficeDraft:
    """``shorten_links``: long links in the text become the site's short links (madang.links)
    when the draft is written, so the approver sees what will go out; they are tied to the post
    when it is published, and the analytics count their clicks per post. ``media_ids``: the
    organisation's uploads: the draft keeps them until it goes out (now, after approval, or at its
    time), so an approver sees them first."""
    if action not in ACTIONS:
        raise Invalid("저장, 승인 요청, 게시 가운데 하나를 골라 주세요", field="action")
    if scheduled_at is not None:
        check_scheduled_at(scheduled_at, utcnow())
    if shorten_links:
        text, _ = await shorten_links_in_text(session, text=text, account_id=organisation.id,
                                              created_by_id=staff.id, base_url=site.base_url)
    draft = await create_draft(session, site=site, organisation=organisation, staff=staff, text=text,
                               spoiler_text=spoiler_text, visibility=visibility, category=category,
                               in_reply_to_id=in_reply_to_id, scheduled_at=scheduled_at)
    await keep_draft_media(session, draft=draft, media_ids=media_ids)
    if action == "submit":
        await submit_draft(session, draft_id=draft.id, staff=staff)
    elif action == "publish":
        await publish_draft(session, site=site, draft_id=draft.id, staff=staff)
    return draft
