"""Interim notices (중간 통지): a case still open 30 days after receipt, or whose citizen asks
how it goes, gets a notice with its state and the expected date; each one is a history entry.

A daily job (`desk.interim_notices`) sends the ones that are due, at most once per case for
the 30-day rule; a citizen may ask at any time (once a day, so the button cannot flood)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.desk.history import record_event
from madang.desk.notices import notify_citizen
from madang.desk.transitions import OPEN, STATUS_LABELS
from madang.jobs import enqueue, handler
from madang.models import Account, Job
from madang.models.desk import Case, CaseEvent
from madang.statuses.create import Site

JOB = "desk.interim_notices"
AFTER = timedelta(days=30)
EVERY = timedelta(days=1)
BATCH = 200
ACTION = "interim_notice"


async def send_interim_notice(session: AsyncSession, *, site: Site, case: Case, asked_by: Account | None = None) -> None:
    """The notice and its history entry. A citizen's own request is refused while one was sent
    in the last day (the page says when the last one went)."""
    if case.status not in OPEN:
        raise Invalid("처리가 끝난 민원입니다", field="case")
    if asked_by is not None:
        recent = await session.scalar(select(CaseEvent.id).where(
            CaseEvent.case_id == case.id, CaseEvent.action == ACTION, CaseEvent.at > utcnow() - EVERY).limit(1))
        if recent is not None:
            raise Invalid("진행 상황은 하루에 한 번 알려 드립니다. 내일 다시 요청해 주세요", field="case")
    organisation = await session.get(Account, case.organisation_id)
    assert organisation is not None
    await notify_citizen(session, site=site, organisation=organisation, case=case, what="interim",
                         note=STATUS_LABELS.get(case.status, case.status))
    record_event(session, case, actor_id=asked_by.id if asked_by else None, action=ACTION, from_status=case.status,
                 from_department_id=case.department_id, from_assignee_id=case.assignee_id,
                 note="시민 요청" if asked_by else "접수 후 30일 경과")
    await session.flush()


async def cases_due_an_interim_notice(session: AsyncSession, *, limit: int = BATCH) -> list[Case]:
    """Open cases received 30 days ago or more that have had no 30-day notice yet."""
    notified = exists().where(CaseEvent.case_id == Case.id, CaseEvent.action == ACTION,
                              CaseEvent.note == "접수 후 30일 경과")
    return list(await session.scalars(
        select(Case).where(Case.status.in_(OPEN), Case.received_at <= utcnow() - AFTER, ~notified)
        .order_by(Case.received_at).limit(limit)))


async def schedule_interim_notices(session: AsyncSession, *, site: Site) -> bool:
    """Start the daily chain unless it is waiting already (starting twice is a no-op)."""
    if await _waiting(session, "pending", "running"):
        return False
    await enqueue(session, JOB, {"site": asdict(site)})
    return True


@handler(JOB)
async def run_interim_notices(session: AsyncSession, payload: dict) -> None:
    site = Site(**payload["site"])
    due = await cases_due_an_interim_notice(session)
    for case in due:
        await send_interim_notice(session, site=site, case=case)
    # A full batch means more are due: come back soon; otherwise tomorrow. This job is
    # "running" until the worker marks it done; a pending one is a chain's next run already.
    if not await _waiting(session, "pending"):
        await enqueue(session, JOB, payload, run_at=utcnow() + (timedelta(minutes=1) if len(due) == BATCH else EVERY))


async def _waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == JOB, Job.state.in_(states)))))
