"""Canned answers: texts an office keeps per category or department for its officers to start
from. Office admins add, edit and delete them; every change is kept with who made it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.desk.organisations import ADMIN, VIEW, get_department_by_id, require_role
from madang.models import Account
from madang.models.desk_canned import CannedAnswer, CannedAnswerChange

TITLE_LIMIT = 100
TEXT_LIMIT = 2000  # an answer's own limit (transitions.required_text)


def _clean(title: str, text: str, category: str | None) -> tuple[str, str, str | None]:
    title, text, category = (title or "").strip(), (text or "").strip(), (category or "").strip() or None
    if not title or len(title) > TITLE_LIMIT:
        raise Invalid(f"제목은 1~{TITLE_LIMIT}자여야 합니다", field="title")
    if not text:
        raise Invalid("답변 내용을 입력해 주세요", field="text")
    if len(text) > TEXT_LIMIT:
        raise Invalid(f"답변 내용은 {TEXT_LIMIT}자까지 쓸 수 있습니다", field="text")
    if category is not None and (len(category) > 50 or any(c.isspace() for c in category)):
        raise Invalid("분류 코드는 공백 없이 50자까지입니다", field="category")
    return title, text, category


def _record(session: AsyncSession, answer: CannedAnswer, actor: Account, action: str) -> None:
    session.add(CannedAnswerChange(organisation_id=answer.organisation_id, canned_answer_id=answer.id,
                                   actor_id=actor.id, at=utcnow(), action=action, title=answer.title,
                                   text=answer.text))


async def list_canned(
    session: AsyncSession, *, organisation: Account, staff: Account, department_id: int | None = None,
    category: str | None = None,
) -> list[CannedAnswer]:
    """The office's canned answers (any staff member may read them); with a department or a
    category, those for it and those for everyone."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=VIEW)
    query = select(CannedAnswer).where(CannedAnswer.organisation_id == organisation.id)
    if department_id is not None:
        query = query.where((CannedAnswer.department_id == department_id) | CannedAnswer.department_id.is_(None))
    if category is not None:
        query = query.where((CannedAnswer.category == category) | CannedAnswer.category.is_(None))
    return list(await session.scalars(query.order_by(CannedAnswer.title, CannedAnswer.id)))


async def get_canned(session: AsyncSession, *, organisation: Account, canned_id: int) -> CannedAnswer:
    answer = await session.get(CannedAnswer, canned_id)
    if answer is None or answer.organisation_id != organisation.id:
        raise NotFound("상용 답변을 찾을 수 없습니다", field="canned")
    return answer


async def add_canned(
    session: AsyncSession, *, organisation: Account, staff: Account, title: str, text: str,
    department_id: int | None = None, category: str | None = None,
) -> CannedAnswer:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    title, text, category = _clean(title, text, category)
    if department_id is not None:
        await get_department_by_id(session, organisation_id=organisation.id, department_id=department_id)
    now = utcnow()
    answer = CannedAnswer(organisation_id=organisation.id, department_id=department_id, category=category,
                          title=title, text=text, updated_by_id=staff.id, created_at=now, updated_at=now)
    session.add(answer)
    await session.flush()
    _record(session, answer, staff, "add")
    await session.flush()
    return answer


async def edit_canned(
    session: AsyncSession, *, organisation: Account, staff: Account, canned_id: int, title: str, text: str,
    department_id: int | None = None, category: str | None = None,
) -> CannedAnswer:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    answer = await get_canned(session, organisation=organisation, canned_id=canned_id)
    title, text, category = _clean(title, text, category)
    if department_id is not None:
        await get_department_by_id(session, organisation_id=organisation.id, department_id=department_id)
    answer.title, answer.text, answer.category, answer.department_id = title, text, category, department_id
    answer.updated_by_id, answer.updated_at = staff.id, utcnow()
    _record(session, answer, staff, "edit")
    await session.flush()
    return answer


async def delete_canned(session: AsyncSession, *, organisation: Account, staff: Account, canned_id: int) -> None:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    answer = await get_canned(session, organisation=organisation, canned_id=canned_id)
    _record(session, answer, staff, "delete")
    await session.execute(delete(CannedAnswer).where(CannedAnswer.id == answer.id))
    session.expunge(answer)
    await session.flush()


async def canned_changes(session: AsyncSession, *, organisation: Account, staff: Account,
                         limit: int = 50) -> list[CannedAnswerChange]:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return list(await session.scalars(
        select(CannedAnswerChange).where(CannedAnswerChange.organisation_id == organisation.id)
        .order_by(CannedAnswerChange.at.desc(), CannedAnswerChange.id.desc()).limit(limit)))
