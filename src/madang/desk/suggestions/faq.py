"""Frequently asked categories: an office admin marks a category (an Open311 service code, the
category of the cases it opens) as frequently asked and may switch on an automatic first reply
for it, sent when the best suggestion's match reaches the threshold the office sets."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.desk.organisations import ADMIN, VIEW, require_role
from madang.models import Account
from madang.models.desk_suggestions import FaqCategory
from madang.models.open311 import Service

DEFAULT_THRESHOLD = 0.8


def check_threshold(value: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.0 < float(value) <= 1.0:
        raise Invalid("기준 점수는 1%부터 100%까지입니다", field="threshold")
    return float(value)


async def set_faq_category(
    session: AsyncSession, *, organisation: Account, staff: Account, category: str, auto_reply: bool,
    threshold: float = DEFAULT_THRESHOLD,
) -> FaqCategory:
    """Marks ``category`` as frequently asked (or changes its automatic reply); office admins only."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    category = (category or "").strip()
    threshold = check_threshold(threshold)
    if not await session.scalar(select(Service.id).where(Service.organisation_id == organisation.id,
                                                         Service.service_code == category)):
        raise Invalid("이 기관의 민원 분류가 아닙니다", field="category")
    row = await find_faq_category(session, organisation_id=organisation.id, category=category)
    if row is None:
        row = FaqCategory(organisation_id=organisation.id, category=category)
        session.add(row)
    row.auto_reply, row.threshold = bool(auto_reply), threshold
    row.updated_by_id, row.updated_at = staff.id, utcnow()
    await session.flush()
    return row


async def unset_faq_category(session: AsyncSession, *, organisation: Account, staff: Account, category: str) -> None:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    row = await find_faq_category(session, organisation_id=organisation.id, category=category)
    if row is None:
        raise NotFound("자주 묻는 분류가 아닙니다", field="category")
    await session.execute(delete(FaqCategory).where(FaqCategory.id == row.id))
    session.expunge(row)
    await session.flush()


async def find_faq_category(session: AsyncSession, *, organisation_id: int, category: str | None) -> FaqCategory | None:
    if not category:
        return None
    return await session.scalar(select(FaqCategory).where(FaqCategory.organisation_id == organisation_id,
                                                          FaqCategory.category == category))


async def list_faq_categories(session: AsyncSession, *, organisation: Account, staff: Account
                              ) -> list[tuple[Service, FaqCategory | None]]:
    """Every service of the organisation with its frequently-asked setting (None: not marked)."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    services = list(await session.scalars(select(Service).where(Service.organisation_id == organisation.id)
                                          .order_by(Service.position, Service.id)))
    rows = {r.category: r for r in await session.scalars(
        select(FaqCategory).where(FaqCategory.organisation_id == organisation.id))}
    return [(s, rows.get(s.service_code)) for s in services]
