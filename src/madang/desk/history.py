"""A case's history: one append-only row per change, naming who made it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.models.desk import Case, CaseEvent


def record_event(
    session: AsyncSession, case: Case, *, actor_id: int | None, action: str, from_status: str | None = None,
    from_department_id: int | None = None, from_assignee_id: int | None = None, note: str = "",
) -> CaseEvent:
    """The event after ``case`` was changed: its to-values are the case's current ones."""
    event = CaseEvent(
        case_id=case.id, actor_id=actor_id, at=utcnow(), action=action, from_status=from_status,
        to_status=case.status, from_department_id=from_department_id, to_department_id=case.department_id,
        from_assignee_id=from_assignee_id, to_assignee_id=case.assignee_id, due_at=case.due_at, note=note)
    session.add(event)
    return event


async def list_case_events(session: AsyncSession, *, case_id: int) -> list[CaseEvent]:
    return list(await session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)))
