"""A draft's history rows, and the moment a draft goes out: shared by the drafts' use cases
(office.drafts) and the scheduled publication's follow-up (office.scheduled), which sits below
them so that the two never import each other."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.links import attach_links_in_text
from madang.models import Account, Status
from madang.models.office import OfficeDraft, OfficeDraftEvent
from madang.office.posting import record_post


def draft_event(draft: OfficeDraft, actor: Account | None, action: str, from_state: str | None, *,
                old_text: str | None = None, note: str = "") -> OfficeDraftEvent:
    return OfficeDraftEvent(id=new_id(), draft_id=draft.id, actor_id=actor.id if actor else None, at=utcnow(),
                            action=action, from_state=from_state, to_state=draft.state, old_text=old_text,
                            scheduled_at=draft.scheduled_at, note=note)


async def mark_published(session: AsyncSession, *, draft: OfficeDraft, status: Status, actor: Account | None) -> None:
    """The draft went out as ``status``: its author is recorded with the post."""
    before = draft.state
    draft.state, draft.status_id, draft.scheduled_status_id, draft.updated_at = "published", status.id, None, utcnow()
    await record_post(session, status=status, organisation_id=draft.organisation_id, author_id=draft.author_id,
                      kind="reply" if draft.in_reply_to_id else "post", draft_id=draft.id,
                      approved_by_id=draft.approved_by_id, category=draft.category)
    await attach_links_in_text(session, text=status.text, account_id=draft.organisation_id, status_id=status.id)
    session.add(draft_event(draft, actor, "published", before))
    await session.flush()
