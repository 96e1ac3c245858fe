"""A case's state machine: who may move it where, and the history entry each move leaves.

received → assigned → in_progress → waiting_for_citizen (the clock stops) → in_progress →
answered → closed; transferred (to another department, then assigned again) and merged (into a
duplicate) on the side. Every check comes before the first change, so a refused move changes
nothing; every move is one `desk_case_events` row naming the staff member who made it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.desk.durations import note_first_response
from madang.desk.cases import get_case
from madang.desk.deadlines import extend_for_wait
from madang.desk.history import record_event
from madang.desk.notices import notify_citizen, seoul_text
from madang.desk.organisations import (
    ASSIGNABLE, HANDLE, ROLE_LABELS, TRIAGE, closures_for, find_staff, get_department_by_id, list_staff,
    require_role,
)
from madang.models import Account
from madang.models.desk import Case, Department, StaffMember
from madang.statuses.create import Site

OPEN = ("received", "assigned", "in_progress", "waiting_for_citizen", "transferred")
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "assign": ("received", "assigned", "in_progress", "transferred"),
    "start": ("assigned",),
    "ask_citizen": ("assigned", "in_progress"),
    "citizen_replied": ("waiting_for_citizen",),
    "answer": ("received", "assigned", "in_progress", "transferred"),
    # A case waiting for an answer that never comes may be closed, with a reason.
    "close": ("answered", "waiting_for_citizen"),
    "transfer": ("received", "assigned", "in_progress", "transferred"),
    "merge": OPEN,
    "extend": OPEN,
}
STATUS_LABELS = {
    "received": "접수", "assigned": "배정", "in_progress": "처리 중", "waiting_for_citizen": "보완 요청 중",
    "answered": "답변 완료", "closed": "종결", "transferred": "이관", "merged": "병합",
}
ACTION_LABELS = {
    "assign": "배정", "start": "처리 시작", "ask_citizen": "보완 요청", "citizen_replied": "보완 접수",
    "answer": "답변", "close": "종결", "transfer": "이관", "merge": "병합", "extend": "기한 연장",
}


def check_transition(case: Case, action: str) -> None:
    if case.status not in ALLOWED_FROM[action]:
        raise Invalid(f"{STATUS_LABELS[case.status]} 상태의 민원은 {ACTION_LABELS[action]}할 수 없습니다",
                      field="status")


def check_access(member: StaffMember, case: Case, staff: Account) -> None:
    """A department officer works on their department's cases and on those assigned to them."""
    if member.role == "officer" and case.department_id != member.department_id and case.assignee_id != staff.id:
        raise Forbidden("다른 부서의 민원입니다")


async def load_for(
    session: AsyncSession, *, organisation: Account, case_id: int, staff: Account, action: str,
    roles: tuple[str, ...] = HANDLE,
) -> tuple[Case, StaffMember]:
    member = await require_role(session, organisation_id=organisation.id, account=staff, roles=roles)
    case = await get_case(session, organisation_id=organisation.id, case_id=case_id)
    check_access(member, case, staff)
    check_transition(case, action)
    return case, member


def required_text(text: str, what: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(f"{what}을(를) 입력해 주세요", field=field)
    if len(text) > 2000:
        raise Invalid(f"{what}은(는) 2000자까지 쓸 수 있습니다", field=field)
    return text


async def assign_case(
    session: AsyncSession, *, organisation: Account, case_id: int, staff: Account, assignee: Account, note: str = "",
) -> Case:
    case, member = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="assign")
    if member.role == "officer" and assignee.id != staff.id:
        raise Forbidden("부서 담당자는 자기 자신에게만 배정할 수 있습니다")
    target = await find_staff(session, organisation_id=organisation.id, account_id=assignee.id)
    if target is None:
        raise Invalid(f"@{assignee.acct}은(는) 이 기관의 민원 직원이 아닙니다", field="assignee")
    refusal = _assignee_refusal(case, target)
    if refusal is not None:
        raise Invalid(refusal, field="assignee")
    before = (case.status, case.department_id, case.assignee_id)
    case.assignee_id = assignee.id
    if case.department_id is None:
        case.department_id = target.department_id
    case.status = "assigned"
    return apply_change(session, case, staff, "assign", before, note)


def _assignee_refusal(case: Case, target: StaffMember) -> str | None:
    """Why ``target`` cannot be this case's assignee, or None: the one rule behind both the
    assignment form's list (list_assignees) and assign_case."""
    if target.role not in ASSIGNABLE:
        return f"{ROLE_LABELS[target.role]} 역할에는 민원을 배정할 수 없습니다"
    if target.department_id is not None and case.department_id not in (None, target.department_id):
        return "담당자가 다른 부서 소속입니다: 먼저 그 부서로 이관해 주세요"
    return None


async def list_assignees(
    session: AsyncSession, *, organisation_id: int, case: Case, member: StaffMember,
) -> list[tuple[StaffMember, Account]]:
    """Who ``member`` may assign this case to, as assign_case will accept: staff who answer
    cases, of the case's department or of none; a department officer only themselves."""
    return [(m, a) for m, a in await list_staff(session, organisation_id=organisation_id)
            if _assignee_refusal(case, m) is None
            and (member.role != "officer" or m.account_id == member.account_id)]


async def start_case(session: AsyncSession, *, organisation: Account, case_id: int, staff: Account) -> Case:
    case, member = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="start")
    if case.assignee_id != staff.id and member.role not in TRIAGE:
        raise Forbidden("배정된 담당자만 처리를 시작할 수 있습니다")
    before = (case.status, case.department_id, case.assignee_id)
    case.status = "in_progress"
    return apply_change(session, case, staff, "start", before, "")


async def ask_citizen(
    session: AsyncSession, *, site: Site, organisation: Account, case_id: int, staff: Account, question: str,
) -> Case:
    """A request for more information (보완요청): the clock stops until the citizen replies."""
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="ask_citizen")
    question = required_text(question, "요청 내용", "question")
    before = (case.status, case.department_id, case.assignee_id)
    case.status = "waiting_for_citizen"
    case.waiting_since = utcnow()
    await note_first_response(session, case, case.waiting_since)
    apply_change(session, case, staff, "ask_citizen", before, question)
    await notify_citizen(session, site=site, organisation=organisation, case=case, what="more_info", note=question)
    return case


async def record_citizen_reply(
    session: AsyncSession, *, organisation: Account, case_id: int, actor: Account, note: str = "",
) -> Case:
    """The citizen answered the request: the due date moves by the working time waited.
    Recorded by a staff member, or by the citizen themselves."""
    case = await get_case(session, organisation_id=organisation.id, case_id=case_id)
    if case.citizen_id is None or actor.id != case.citizen_id:
        member = await require_role(session, organisation_id=organisation.id, account=actor, roles=HANDLE)
        check_access(member, case, actor)
    check_transition(case, "citizen_replied")
    before = (case.status, case.department_id, case.assignee_id)
    now = utcnow()
    waited_from = case.waiting_since or now
    case.due_at = extend_for_wait(case.due_at, case.kind, waited_from, now,
                                  closures=await closures_for(session, organisation.id))
    case.waiting_since = None
    case.status = "in_progress"
    return apply_change(session, case, actor, "citizen_replied", before,
                    note.strip() or f"보완 대기 {seoul_text(waited_from)} ~ {seoul_text(now)}")


async def close_case(
    session: AsyncSession, *, organisation: Account, case_id: int, staff: Account, note: str = "",
) -> Case:
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="close")
    if case.status == "waiting_for_citizen":
        note = required_text(note, "종결 사유", "note")
    before = (case.status, case.department_id, case.assignee_id)
    case.status = "closed"
    case.closed_at = utcnow()
    case.waiting_since = None
    return apply_change(session, case, staff, "close", before, note.strip())


async def transfer_case(
    session: AsyncSession, *, site: Site, organisation: Account, case_id: int, staff: Account,
    department: Department, reason: str,
) -> Case:
    """To another department of the same organisation, with a reason; it waits there to be assigned."""
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="transfer")
    reason = required_text(reason, "이관 사유", "reason")
    department = await get_department_by_id(session, organisation_id=organisation.id, department_id=department.id)
    if not department.active:
        raise Invalid("운영하지 않는 부서로는 이관할 수 없습니다", field="department")
    if department.id == case.department_id:
        raise Invalid("이미 그 부서의 민원입니다", field="department")
    before = (case.status, case.department_id, case.assignee_id)
    case.department_id = department.id
    case.assignee_id = None
    case.status = "transferred"
    apply_change(session, case, staff, "transfer", before, reason)
    await notify_citizen(session, site=site, organisation=organisation, case=case, what="transferred",
                         department_name=department.name)
    return case


async def merge_case(
    session: AsyncSession, *, organisation: Account, case_id: int, staff: Account, into_case_id: int, note: str = "",
) -> Case:
    """Into a duplicate: this case stops, the other one carries on."""
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="merge",
                             roles=TRIAGE)
    target = await get_case(session, organisation_id=organisation.id, case_id=into_case_id)
    if target.id == case.id:
        raise Invalid("민원을 자기 자신에 병합할 수 없습니다", field="into")
    if target.status == "merged":
        raise Invalid(f"민원 {target.number}은(는) 이미 다른 민원에 병합되었습니다", field="into")
    before = (case.status, case.department_id, case.assignee_id)
    case.status = "merged"
    case.merged_into_id = target.id
    case.waiting_since = None
    return apply_change(session, case, staff, "merge", before, note.strip() or f"{target.number}에 병합")


async def extend_case(
    session: AsyncSession, *, site: Site, organisation: Account, case_id: int, staff: Account, due_at: datetime,
    reason: str,
) -> Case:
    """A later due date, with a reason (민원처리법 제21조), told to the citizen."""
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="extend")
    reason = required_text(reason, "연장 사유", "reason")
    if due_at.tzinfo is None:
        raise Invalid("기한에는 시간대가 필요합니다", field="due_at")
    if due_at <= case.due_at:
        raise Invalid(f"새 기한은 지금 기한({seoul_text(case.due_at)})보다 늦어야 합니다", field="due_at")
    before = (case.status, case.department_id, case.assignee_id)
    case.due_at = due_at
    apply_change(session, case, staff, "extend", before, reason)
    await notify_citizen(session, site=site, organisation=organisation, case=case, what="extended", note=reason)
    return case


def apply_change(
    session: AsyncSession, case: Case, actor: Account, action: str, before: tuple[str, int | None, int | None],
    note: str,
) -> Case:
    status, department_id, assignee_id = before
    case.updated_at = utcnow()
    record_event(session, case, actor_id=actor.id, action=action, from_status=status,
                 from_department_id=department_id, from_assignee_id=assignee_id, note=note)
    return case
