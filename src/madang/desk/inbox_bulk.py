"""Several posts of the desk inbox at once (decision 0047): set aside as not a case, or each
opened as a case of one kind. All or nothing: every id must be an untriaged post of this
organisation's inbox, checked before anything is written, and the caller's one unit of work
holds every change, so a refusal names the problem and leaves the inbox as it was."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.inbox import mark_not_a_case, triage_to_case
from madang.desk.organisations import TRIAGE, require_role
from madang.models import Account
from madang.models.desk import KINDS, Case, Department, InboxItem
from madang.statuses.create import Site

# A page of the inbox holds 20 posts; a form with more than this many was not made by the page.
MOST_AT_ONCE = 100


async def _all_untriaged(session: AsyncSession, *, organisation: Account, item_ids: list[int]) -> list[int]:
    """The ids, oldest post first (cases are numbered in the order questions came)."""
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise Invalid("글을 하나 이상 골라 주세요", field="items")
    if len(ids) > MOST_AT_ONCE:
        raise Invalid(f"한 번에 {MOST_AT_ONCE}개까지 고를 수 있습니다", field="items")
    found = {i.id: i for i in await session.scalars(select(InboxItem).where(
        InboxItem.id.in_(ids), InboxItem.organisation_id == organisation.id))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"고른 글 가운데 {len(missing)}개는 받은 민원함에 없는 글입니다. 아무것도 바꾸지 않았습니다",
                       field="items")
    decided = [i for i in ids if found[i].state != "untriaged"]
    if decided:
        raise Conflict(f"고른 글 가운데 {len(decided)}개는 이미 분류한 글입니다. 아무것도 바꾸지 않았습니다",
                       field="items")
    return sorted(ids, key=lambda i: (found[i].received_at, i))


async def dismiss_many(session: AsyncSession, *, organisation: Account, staff: Account, item_ids: list[int]) -> int:
    """Every chosen post set aside as not a case, or none: how many."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=TRIAGE)
    ids = await _all_untriaged(session, organisation=organisation, item_ids=item_ids)
    for item_id in ids:
        await mark_not_a_case(session, organisation=organisation, item_id=item_id, staff=staff)
    return len(ids)


async def triage_many(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, item_ids: list[int], kind: str,
    department: Department | None = None,
) -> list[Case]:
    """Every chosen post opened as a case of ``kind`` (each citizen told their number), or none."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=TRIAGE)
    if kind not in KINDS:
        raise Invalid("민원 종류를 골라 주세요", field="kind")
    ids = await _all_untriaged(session, organisation=organisation, item_ids=item_ids)
    return [await triage_to_case(session, site=site, organisation=organisation, item_id=item_id, staff=staff,
                                 kind=kind, department=department) for item_id in ids]
