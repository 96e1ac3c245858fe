"""The desk inbox: posts and direct messages addressed to an organisation, waiting for a triager
to turn each into a case or set it aside, in one action."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.desk.cases import open_case
from madang.desk.organisations import TRIAGE, VIEW, has_desk, require_role
from madang.desk.replies import reply_to_waiting_case
from madang.models import Account, Mention, Status
from madang.models.desk import INBOX_STATES, Case, Department, InboxItem
from madang.statuses.create import Site
from madang.statuses.policies import can_view

_ITEMS = InboxItem.__table__


async def receive_post(session: AsyncSession, *, status: Status) -> int:
    """An inbox item for each organisation with a desk that the post mentions (a direct message
    to one mentions it too). Idempotent: one item per organisation and post. Returns how many
    organisations now hold it."""
    organisations = list(await session.scalars(
        select(Account).join(Mention, Mention.account_id == Account.id)
        .where(Mention.status_id == status.id, Account.organisation.is_(True), Account.domain.is_(None),
               Account.id != status.account_id)))
    held = 0
    for organisation in organisations:
        if not await has_desk(session, organisation.id):
            continue
        seen = await session.scalar(select(InboxItem.id).where(
            InboxItem.organisation_id == organisation.id, InboxItem.source_status_id == status.id))
        if seen is not None:  # a rerun of the job: this post was taken in already
            held += 1
            continue
        # An answer to the city's request for more information goes straight to its case.
        replied = await reply_to_waiting_case(session, status=status, organisation=organisation)
        await session.execute(insert_ignore(session, _ITEMS).values(
            id=new_id(), organisation_id=organisation.id, source_status_id=status.id, author_id=status.account_id,
            received_at=status.created_at, state="case" if replied else "untriaged",
            case_id=replied.id if replied else None, decided_by_id=None,
            decided_at=status.created_at if replied else None))
        held += 1
    return held


async def list_inbox(
    session: AsyncSession, *, organisation: Account, staff: Account, state: str = "untriaged", limit: int = 50,
) -> list[tuple[InboxItem, Status]]:
    """Oldest first: the inbox is worked through in the order questions came."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    if state not in INBOX_STATES:
        raise Invalid(f"상태는 {', '.join(INBOX_STATES)} 중 하나여야 합니다", field="state")
    rows = await session.execute(
        select(InboxItem, Status).join(Status, Status.id == InboxItem.source_status_id)
        .where(InboxItem.organisation_id == organisation.id, InboxItem.state == state)
        .order_by(InboxItem.received_at, InboxItem.id).limit(max(1, min(limit, 200))))
    return [(item, status) for item, status in rows]


async def _untriaged(session: AsyncSession, *, organisation: Account, item_id: int) -> InboxItem:
    item = await session.get(InboxItem, item_id)
    if item is None or item.organisation_id != organisation.id:
        raise NotFound("받은 민원함에 없는 글입니다", field="item")
    if item.state != "untriaged":
        raise Conflict("이미 분류한 글입니다", field="item")
    return item


async def take_in_post(session: AsyncSession, *, organisation: Account, status: Status) -> InboxItem:
    """The inbox item for a post staff picked out themselves (the live monitor: a post that
    carries a watched hashtag but never named the city; the monitor checks its own rule first).
    Idempotent: the post's existing item if it has one."""
    if not await has_desk(session, organisation.id):
        raise NotFound("민원 창구가 없는 기관입니다", field="organisation")
    # Staff pick the post as the organisation: never one it may not read (someone else's direct
    # message), and NotFound alike for that and a missing post, so ids are not confirmed.
    if status.deleted_at is not None or status.reblog_of_id is not None \
            or not await can_view(session, status, organisation.id):
        raise NotFound("글을 찾을 수 없습니다", field="status")
    await session.execute(insert_ignore(session, _ITEMS).values(
        id=new_id(), organisation_id=organisation.id, source_status_id=status.id, author_id=status.account_id,
        received_at=status.created_at, state="untriaged", case_id=None, decided_by_id=None, decided_at=None))
    return (await session.scalars(select(InboxItem).where(
        InboxItem.organisation_id == organisation.id, InboxItem.source_status_id == status.id)
        .execution_options(populate_existing=True))).one()


async def triage_to_case(
    session: AsyncSession, *, site: Site, organisation: Account, item_id: int, staff: Account, kind: str,
    department: Department | None = None, category: str | None = None,
) -> Case:
    """The post becomes a case: received when it was posted, by the channel it came by, with its
    author as the citizen, who is told the number and the due date."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=TRIAGE)
    item = await _untriaged(session, organisation=organisation, item_id=item_id)
    source = await session.get(Status, item.source_status_id)
    citizen = await session.get(Account, item.author_id)
    if source is None or citizen is None:
        raise NotFound("원래 글을 찾을 수 없습니다", field="item")
    case = await open_case(
        session, site=site, organisation=organisation, channel="direct" if source.visibility == "direct" else "mention",
        kind=kind, description=source.text, actor_id=staff.id, received_at=item.received_at, citizen=citizen,
        category=category, department=department, source_status_id=source.id)
    item.state, item.case_id, item.decided_by_id, item.decided_at = "case", case.id, staff.id, utcnow()
    await session.flush()
    return case


async def mark_not_a_case(session: AsyncSession, *, organisation: Account, item_id: int, staff: Account) -> InboxItem:
    """A greeting or a cheer, not a question: set aside (kept, with who decided)."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=TRIAGE)
    item = await _untriaged(session, organisation=organisation, item_id=item_id)
    item.state, item.decided_by_id, item.decided_at = "not_a_case", staff.id, utcnow()
    await session.flush()
    return item
