"""What the office pages read: drafts by tab, a draft's history, the organisation's posts with
their staff authors. Each checks the reader is on the organisation's staff first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.core.errors import Invalid
from madang.models import Account, Status
from madang.models.office import OfficeDraft, OfficeDraftEvent, OfficePost
from madang.office.roles import require_office

DRAFT_TABS = ("mine", "waiting", "returned", "scheduled", "done")


async def list_drafts(
    session: AsyncSession, *, organisation: Account, staff: Account, tab: str, limit: int = 50,
) -> list[tuple[OfficeDraft, Account]]:
    """(draft, author) newest first. mine: my open drafts; waiting: waiting for approval;
    returned: sent back (mine); scheduled: on the calendar; done: published or cancelled."""
    await require_office(session, organisation_id=organisation.id, account=staff, right="view")
    query = (select(OfficeDraft, Account).join(Account, Account.id == OfficeDraft.author_id)
             .where(OfficeDraft.organisation_id == organisation.id))
    if tab == "mine":
        query = query.where(OfficeDraft.author_id == staff.id, OfficeDraft.state.in_(("draft", "submitted")))
    elif tab == "waiting":
        query = query.where(OfficeDraft.state == "submitted")
    elif tab == "returned":
        query = query.where(OfficeDraft.author_id == staff.id, OfficeDraft.state == "returned")
    elif tab == "scheduled":
        query = query.where(OfficeDraft.state == "scheduled")
    elif tab == "done":
        query = query.where(OfficeDraft.state.in_(("published", "cancelled")))
    else:
        raise Invalid("알 수 없는 목록입니다", field="tab")
    rows = await session.execute(query.order_by(OfficeDraft.updated_at.desc(), OfficeDraft.id.desc()).limit(limit))
    return [(d, a) for d, a in rows]


async def draft_history(session: AsyncSession, *, draft: OfficeDraft) -> list[tuple[OfficeDraftEvent, Account | None]]:
    rows = await session.execute(
        select(OfficeDraftEvent, Account).outerjoin(Account, Account.id == OfficeDraftEvent.actor_id)
        .where(OfficeDraftEvent.draft_id == draft.id).order_by(OfficeDraftEvent.at, OfficeDraftEvent.id))
    return [(e, a) for e, a in rows]


async def accounts_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Account]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}


@dataclass
class AuthoredPost:
    status: Status
    record: OfficePost
    author: Account
    approver: Account | None


async def list_office_posts(
    session: AsyncSession, *, organisation: Account, staff: Account, limit: int = 40, before_id: int | None = None,
) -> list[AuthoredPost]:
    """The organisation's posts made through the office, newest first, with who wrote them."""
    await require_office(session, organisation_id=organisation.id, account=staff, right="view")
    author, approver = aliased(Account), aliased(Account)
    query = (select(OfficePost, Status, author, approver)
             .join(Status, Status.id == OfficePost.status_id)
             .join(author, author.id == OfficePost.account_id)
             .outerjoin(approver, approver.id == OfficePost.approved_by_id)
             .where(OfficePost.organisation_id == organisation.id, Status.deleted_at.is_(None)))
    if before_id is not None:
        query = query.where(OfficePost.status_id < before_id)
    rows = await session.execute(query.order_by(OfficePost.status_id.desc()).limit(limit))
    return [AuthoredPost(status=s, record=p, author=a, approver=ap) for p, s, a, ap in rows]


async def authors_of(session: AsyncSession, *, organisation_id: int, status_ids: list[int]) -> dict[int, Account]:
    """status id -> the staff author, for the office's own views of the organisation's posts."""
    if not status_ids:
        return {}
    rows = await session.execute(select(OfficePost.status_id, Account).join(Account, Account.id == OfficePost.account_id)
                                 .where(OfficePost.organisation_id == organisation_id,
                                        OfficePost.status_id.in_(status_ids)))
    return {sid: a for sid, a in rows}
