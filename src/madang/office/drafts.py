"""An organisation's drafts: written by a publisher, sent to an approver when the organisation
asks for approval, then published now or at a time. Every move appends an office_draft_events
row (an edit keeps the text it replaced); a refused move raises and changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.models import Account
from madang.models.office import OfficeDraft
from madang.office.approval import approval_required, notify_approvers
from madang.office.draft_events import draft_event, mark_published
from madang.office.draft_media import release_draft_media
from madang.office.categories import check_category
from madang.office.posting import MAX_TEXT, said_in_public
from madang.office.roles import has_right, require_office
from madang.office.scheduled import move, schedule_draft_status, unschedule
from madang.statuses.composing import check_length
from madang.statuses.create import Site, check_draft, create_status
from madang.statuses.queries import get_visible_status

EDITABLE = ("draft", "submitted", "returned")
OPEN = ("draft", "submitted", "returned", "approved", "scheduled")


async def _check_content(session: AsyncSession, *, site: Site, organisation: Account, text: str,
                         spoiler_text: str, visibility: str, in_reply_to_id: int | None) -> str:
    """What would refuse the post when it goes out is refused when it is written."""
    if len(text or "") > MAX_TEXT:
        raise Invalid(f"글은 {MAX_TEXT}자를 넘을 수 없습니다", field="text")
    visibility, _, _ = check_draft(site, text=text, visibility=visibility, default_visibility="public",
                                   language=None, media_ids=None, poll=None)
    check_length(text or "", spoiler_text or "", max_characters=site.max_characters)
    if in_reply_to_id is not None:
        await get_visible_status(session, in_reply_to_id, organisation.id)
    return visibility


async def create_draft(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, text: str,
    spoiler_text: str = "", visibility: str = "public", category: str | None = None,
    in_reply_to_id: int | None = None, scheduled_at: datetime | None = None,
) -> OfficeDraft:
    await require_office(session, organisation_id=organisation.id, account=staff, right="write")
    category = check_category(category)
    visibility = await _check_content(session, site=site, organisation=organisation, text=text,
                                      spoiler_text=spoiler_text, visibility=visibility, in_reply_to_id=in_reply_to_id)
    now = utcnow()
    draft = OfficeDraft(id=new_id(), organisation_id=organisation.id, author_id=staff.id, text=text,
                        spoiler_text=spoiler_text or "", visibility=visibility, language=site.default_language,
                        in_reply_to_id=in_reply_to_id, category=category, state="draft", scheduled_at=scheduled_at,
                        created_at=now, updated_at=now)
    session.add(draft)
    await session.flush()
    session.add(draft_event(draft, staff, "created", None))
    await session.flush()
    return draft


async def get_draft(session: AsyncSession, *, draft_id: int, staff: Account) -> OfficeDraft:
    """A draft of an organisation the staff member works for (NotFound for anyone else)."""
    draft = await session.get(OfficeDraft, draft_id)
    if draft is None:
        raise NotFound("초안을 찾을 수 없습니다")
    try:
        await require_office(session, organisation_id=draft.organisation_id, account=staff, right="view")
    except Forbidden:
        raise NotFound("초안을 찾을 수 없습니다") from None
    return draft


async def _organisation(session: AsyncSession, draft: OfficeDraft) -> Account:
    org = await session.get(Account, draft.organisation_id)
    assert org is not None  # the draft goes with the organisation (ON DELETE CASCADE)
    return org


def _require_state(draft: OfficeDraft, states: tuple[str, ...], message: str) -> None:
    if draft.state not in states:
        raise Conflict(message, field="state")


async def edit_draft(
    session: AsyncSession, *, site: Site, draft_id: int, staff: Account, text: str, spoiler_text: str = "",
    visibility: str = "public", category: str | None = None, scheduled_at: datetime | None = None,
) -> OfficeDraft:
    """The author edits their draft; an approver edits one waiting for approval. The old text is kept."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    member = await require_office(session, organisation_id=draft.organisation_id, account=staff, right="write")
    _require_state(draft, EDITABLE, "이미 나갔거나 취소된 초안은 고칠 수 없습니다")
    if draft.author_id != staff.id and not (draft.state == "submitted" and has_right(member, "approve")):
        raise Forbidden("다른 사람의 초안은 승인 담당만, 승인 요청된 뒤에만 고칠 수 있습니다")
    organisation = await _organisation(session, draft)
    category = check_category(category)
    visibility = await _check_content(session, site=site, organisation=organisation, text=text,
                                      spoiler_text=spoiler_text, visibility=visibility,
                                      in_reply_to_id=draft.in_reply_to_id)
    old_text = draft.text
    draft.text, draft.spoiler_text, draft.visibility = text, spoiler_text or "", visibility
    draft.category, draft.scheduled_at, draft.updated_at = category, scheduled_at, utcnow()
    session.add(draft_event(draft, staff, "edited", draft.state, old_text=old_text))
    await session.flush()
    return draft


async def submit_draft(session: AsyncSession, *, draft_id: int, staff: Account, note: str = "") -> OfficeDraft:
    """The author asks an approver to look at the draft."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    await require_office(session, organisation_id=draft.organisation_id, account=staff, right="write")
    if draft.author_id != staff.id:
        raise Forbidden("자기 초안만 승인 요청할 수 있습니다")
    _require_state(draft, ("draft", "returned"), "작성 중이거나 돌려받은 초안만 승인 요청할 수 있습니다")
    before, draft.state, draft.updated_at = draft.state, "submitted", utcnow()
    session.add(draft_event(draft, staff, "submitted", before, note=note.strip()[:1000]))
    await session.flush()
    await notify_approvers(session, draft=draft)
    return draft


async def return_draft(session: AsyncSession, *, draft_id: int, staff: Account, note: str) -> OfficeDraft:
    """An approver sends a draft back to its author with a note saying why."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    await require_office(session, organisation_id=draft.organisation_id, account=staff, right="approve")
    _check_not_author(draft, staff)
    _require_state(draft, ("submitted",), "승인 요청된 초안만 돌려보낼 수 있습니다")
    note = (note or "").strip()
    if not note:
        raise Invalid("돌려보내는 까닭을 적어 주세요", field="note")
    if len(note) > 1000:
        raise Invalid("메모는 1000자를 넘을 수 없습니다", field="note")
    before, draft.state, draft.updated_at = draft.state, "returned", utcnow()
    session.add(draft_event(draft, staff, "returned", before, note=note))
    await session.flush()
    return draft


def _check_not_author(draft: OfficeDraft, staff: Account) -> None:
    if draft.author_id == staff.id:
        raise Forbidden("자기 초안은 승인할 수 없습니다. 다른 승인 담당에게 맡기세요")


async def approve_draft(session: AsyncSession, *, site: Site, draft_id: int, staff: Account) -> OfficeDraft:
    """An approver (never the author) approves: the post goes out now, or at its planned time."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    await require_office(session, organisation_id=draft.organisation_id, account=staff, right="approve")
    _check_not_author(draft, staff)
    _require_state(draft, ("submitted",), "승인 요청된 초안만 승인할 수 있습니다")
    before, draft.state, draft.approved_by_id, draft.updated_at = draft.state, "approved", staff.id, utcnow()
    session.add(draft_event(draft, staff, "approved", before))
    await session.flush()
    return await _go_out(session, site=site, draft=draft, actor=staff)


async def publish_draft(session: AsyncSession, *, site: Site, draft_id: int, staff: Account,
                        media_ids: list[int] | None = None) -> OfficeDraft:
    """Without approval: the author publishes (now, or at the draft's time); an approver may
    publish a colleague's draft too."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    member = await require_office(session, organisation_id=draft.organisation_id, account=staff, right="write")
    if await approval_required(session, draft.organisation_id):
        raise Forbidden("이 기관은 승인을 거쳐야 게시합니다. 승인을 요청하세요")
    if draft.author_id != staff.id and not has_right(member, "approve"):
        raise Forbidden("다른 사람의 초안은 승인 담당만 게시할 수 있습니다")
    _require_state(draft, ("draft", "returned", "submitted"), "이미 나갔거나 취소된 초안입니다")
    return await _go_out(session, site=site, draft=draft, actor=staff, media_ids=media_ids)


async def _go_out(session: AsyncSession, *, site: Site, draft: OfficeDraft, actor: Account,
                  media_ids: list[int] | None = None) -> OfficeDraft:
    organisation = await _organisation(session, draft)
    draft.text, draft.spoiler_text = await said_in_public(  # what goes out is masked, now or at its time
        session, organisation=organisation, visibility=draft.visibility, text=draft.text,
        spoiler_text=draft.spoiler_text)
    before = draft.state
    media_ids = media_ids or await release_draft_media(session, draft.id)  # the photos go with it
    if draft.scheduled_at is not None:
        row = await schedule_draft_status(session, site=site, organisation=organisation, draft=draft,
                                          media_ids=media_ids)
        draft.state, draft.scheduled_status_id, draft.updated_at = "scheduled", row.id, utcnow()
        session.add(draft_event(draft, actor, "scheduled", before))
    else:
        status = await create_status(
            session, site=site, author=organisation, text=draft.text, spoiler_text=draft.spoiler_text,
            visibility=draft.visibility, language=draft.language, in_reply_to_id=draft.in_reply_to_id,
            media_ids=media_ids)
        await mark_published(session, draft=draft, status=status, actor=actor)
    await session.flush()
    return draft


async def cancel_draft(session: AsyncSession, *, draft_id: int, staff: Account, note: str = "") -> OfficeDraft:
    """Drop a draft, or take a scheduled post off the calendar (its scheduled status goes too)."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    await _require_author_or_approver(session, draft, staff)
    _require_state(draft, OPEN, "이미 나갔거나 취소된 초안입니다")
    if draft.state == "scheduled":
        await unschedule(session, draft=draft)
    await release_draft_media(session, draft.id)  # the day-old sweep removes them
    before, draft.state, draft.scheduled_status_id, draft.updated_at = draft.state, "cancelled", None, utcnow()
    session.add(draft_event(draft, staff, "cancelled", before, note=(note or "").strip()[:1000]))
    await session.flush()
    return draft


async def reschedule_draft(session: AsyncSession, *, draft_id: int, staff: Account, scheduled_at: datetime) -> OfficeDraft:
    """Move a scheduled post to another time (the calendar's move)."""
    draft = await get_draft(session, draft_id=draft_id, staff=staff)
    await _require_author_or_approver(session, draft, staff)
    _require_state(draft, ("scheduled",), "예약된 글만 옮길 수 있습니다")
    await move(session, draft=draft, scheduled_at=scheduled_at)
    draft.scheduled_at, draft.updated_at = scheduled_at, utcnow()
    session.add(draft_event(draft, staff, "rescheduled", "scheduled"))
    await session.flush()
    return draft


async def _require_author_or_approver(session: AsyncSession, draft: OfficeDraft, staff: Account) -> None:
    member = await require_office(session, organisation_id=draft.organisation_id, account=staff, right="write")
    if draft.author_id != staff.id and not has_right(member, "approve"):
        raise Forbidden("다른 사람의 글은 승인 담당만 옮기거나 취소할 수 있습니다")
