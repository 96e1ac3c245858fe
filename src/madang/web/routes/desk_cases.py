"""A case's page for the office (`/desk/cases/{number}`): its source, the citizen (personal data
behind an audited button), the history, and a form for every move the staff member's role allows.
A refused move re-renders the page with the domain's reason next to its form and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang.core.clock import utcnow
from madang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from madang.desk.canned import get_canned, list_canned
from madang.desk.answers import answer_case
from madang.desk.case_details import case_details
from madang.desk.cases import find_case_by_number
from madang.desk.history import list_case_events
from madang.desk.organisations import HANDLE, TRIAGE, get_department_by_id, list_departments
from madang.desk.privacy import public_description, public_text, reveal_case
from madang.desk.queries import Membership, answer_route, names_for
from madang.desk.transitions import (
    ALLOWED_FROM, ask_citizen, assign_case, close_case, extend_case, list_assignees, merge_case, record_citizen_reply,
    start_case, transfer_case,
)
from madang.models import Account, Status
from madang.models.desk import Case
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in, site_of
from madang.web.routes.desk_common import (
    CHANNEL_LABELS, EVENT_LABELS, SEOUL, desk_path, due_state, due_text, due_when, kind_label, say, staff_desk,
    status_label,
)
from madang.web.uploads import media_store
from madang.web.templating import render
from madang.core.ids import parse_id_text

router = APIRouter()
ACTIONS = ("assign", "start", "ask_citizen", "citizen_replied", "transfer", "merge", "extend", "answer", "close")
ROLES = {action: HANDLE for action in ACTIONS} | {"merge": TRIAGE}
ROUTES = {"public": N_("공개 답글 (개인정보는 가려서 게시합니다)"),
          "public_and_dm": N_("공개 답글(개인정보 가림)과 개인 메시지(전문): 시민의 글에 개인정보가 있습니다"),
          "dm": N_("시민에게 개인 메시지"), "email": N_("시민의 이메일"),
          "record": N_("기록만 합니다: 연락처가 없으니 전화 등으로 알려 주세요")}
FIELDS = {"assign": ("assignee", "note"), "start": (), "ask_citizen": ("question",), "citizen_replied": ("note",),
          "transfer": ("department", "reason"), "merge": ("into", "note"), "extend": ("due_at", "reason"),
          "answer": ("text",), "close": ("note",)}
NOTICES = {"assign": "desk_assigned", "start": "desk_started", "ask_citizen": "desk_asked",
           "citizen_replied": "desk_replied", "transfer": "desk_transferred", "merge": "desk_merged",
           "extend": "desk_extended", "answer": "desk_answered", "close": "desk_closed"}


def _number(value: str) -> str:
    if len(value) > 20 or not all(c.isdigit() or c == "-" for c in value):
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return value


async def _case(session: Any, desk: Membership, number: str) -> Case:
    case = await find_case_by_number(session, organisation_id=desk.organisation.id, number=number)
    if case is None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return case


async def _page(
    request: Request, desk: Membership, number: str, *, status: int = 200, revealed: Case | None = None,
    errors: dict[str, dict[str, str]] | None = None, values: dict[str, str] | None = None,
    preview: str | None = None,
) -> Response:
    errors, values = errors or {}, values or {}
    now = utcnow()
    async with ctx(request).db.read() as session:
        case = revealed or await _case(session, desk, number)
        events = await list_case_events(session, case_id=case.id)
        departments, accounts = await names_for(session, cases=[case], events=events)
        source = await session.get(Status, case.source_status_id) if case.source_status_id else None
        author = await session.get(Account, source.account_id) if source is not None else None
        # Only whom this staff member may give this case to (the check assign_case makes).
        staff = await list_assignees(session, organisation_id=desk.organisation.id, case=case, member=desk.member)
        all_departments = await list_departments(session, organisation_id=desk.organisation.id)
        merged_into = await session.get(Case, case.merged_into_id) if case.merged_into_id else None
        route = answer_route(case, source)
        canned = await list_canned(session, organisation=desk.organisation, staff=request.state.viewer.account,
                                   department_id=case.department_id, category=case.category)
        details = await case_details(session, case, url=media_store(request).url)
        suggestions = await _suggestions(session, desk, request.state.viewer.account, case)

    def name(account_id: int | None) -> str:
        account = accounts.get(account_id) if account_id else None
        return f"@{account.acct}" if account else ""

    def dept(department_id: int | None) -> str:
        department = departments.get(department_id) if department_id else None
        return department.name if department else ""

    role = desk.member.role
    allowed = [a for a in ACTIONS if role in ROLES[a] and case.status in ALLOWED_FROM[a]]
    stray = {a: e for a, e in errors.items() if a not in allowed}
    view = {
        "number": case.number, "status": case.status, "status_label": status_label(case.status),
        "kind_label": kind_label(case.kind), "channel_label": gettext_(CHANNEL_LABELS.get(case.channel, case.channel)),
        "category": case.category, "details": details, "department": dept(case.department_id), "assignee": name(case.assignee_id),
        "citizen": name(case.citizen_id), "received_at": case.received_at, "due_when": due_when(case.due_at),
        "due_text": due_text(case.due_at, now, case.status), "due_state": due_state(case.due_at, now, case.status),
        "description": case.description if revealed is not None else public_description(case),
        "revealed": revealed is not None, "guest_name": case.guest_name, "guest_email": case.guest_email,
        "guest_phone": case.guest_phone, "has_guest_contact": bool(case.guest_email or case.guest_phone or case.guest_name),
        "source_url": f"/@{author.acct}/{source.id}" if source is not None and author is not None else None,
        "answer_public": case.answer_public, "answer_private": case.answer_private, "answered_at": case.answered_at,
        "rating": case.rating, "rating_comment": case.rating_comment,
        "merged_into": merged_into.number if merged_into else None,
        "due_local": case.due_at.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M"),
    }
    history = [{
        "at": e.at, "actor": name(e.actor_id) or gettext_("시스템"), "action": gettext_(EVENT_LABELS.get(e.action, e.action)),
        "from_status": status_label(e.from_status) if e.from_status else "", "to_status": status_label(e.to_status) if e.to_status else "",
        "department": (dept(e.from_department_id), dept(e.to_department_id)),
        "assignee": (name(e.from_assignee_id), name(e.to_assignee_id)),
        "note": gettext_(CHANNEL_LABELS[e.note]) if e.action == "opened" and e.note in CHANNEL_LABELS else e.note,
    } for e in events]
    return render(
        request, "web/desk_case.html", status=status, case=view, history=history, allowed=allowed, errors=errors,
        stray=stray, values=values, preview=preview, route=gettext_(ROUTES[route]), role=role,
        assignees=[(str(a.id), f"@{a.acct}" + (f" ({dept(m.department_id) or ''})" if m.department_id else ""))
                   for m, a in staff],
        departments=[(str(d.id), d.name) for d in all_departments], me=str(desk.member.account_id),
        org=desk.organisation, canned=[(str(c.id), c.title) for c in canned], suggestions=suggestions)


async def _suggestions(session: Any, desk: Membership, staff: Account, case: Case) -> list[Any]:
    """Past answers and canned answers to start from (desk.suggestions), for whoever may answer."""
    if desk.member.role not in HANDLE or case.status not in ALLOWED_FROM["answer"]:
        return []
    from madang.desk.suggestions.suggesting import suggest_answers

    try:
        return await suggest_answers(session, organisation=desk.organisation, staff=staff, case_id=case.id)
    except Forbidden:
        return []  # another department's case: its page shows no answer form either


@router.get("/desk/cases/{number}")
async def case_page(request: Request, number: str) -> Response:
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    chosen = request.query_params.get("canned")
    if chosen:
        # A canned answer chosen from the list fills the answer box (a plain GET: no JavaScript).
        async with ctx(request).db.read() as session:
            try:
                canned = await get_canned(session, organisation=desk.organisation, canned_id=path_id(chosen))
            except NotFound:
                raise WebProblem(404, N_("찾을 수 없습니다.")) from None
        return await _page(request, desk, _number(number), values={"text": canned.text})
    suggestion = request.query_params.get("suggestion")
    if suggestion:
        # A suggested answer's button fills the answer box the same way (desk.suggestions).
        from madang.desk.suggestions.suggesting import suggested_text

        async with ctx(request).db.read() as session:
            case = await _case(session, desk, _number(number))
            try:
                text = await suggested_text(session, organisation=desk.organisation, staff=viewer.account,
                                            case_id=case.id, source=suggestion[:50])
            except NotFound:
                raise WebProblem(404, N_("찾을 수 없습니다.")) from None
            except Forbidden as exc:
                raise WebProblem(403, say(exc)) from None
        return await _page(request, desk, _number(number), values={"text": text})
    return await _page(request, desk, _number(number))


@router.post("/desk/cases/{number}/reveal")
async def reveal(request: Request, number: str) -> Response:
    """개인정보 보기: the unmasked question and contact, shown in the unit that logs the view."""
    viewer = await signed_in(request)
    await checked_form(request)
    desk = await staff_desk(request, viewer)
    async with ctx(request).db.write() as session:
        case = await _case(session, desk, _number(number))
        try:
            case = await reveal_case(session, organisation=desk.organisation, case_id=case.id, staff=viewer.account)
        except Forbidden as exc:
            raise WebProblem(403, say(exc)) from None
    return await _page(request, desk, number, revealed=case)


@router.post("/desk/cases/{number}/preview")
async def preview(request: Request, number: str) -> Response:
    """The answer as the public will see it (masked), rendered here so it matches what is posted."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    text = text_field(form, "text", limit=5000)
    async with ctx(request).db.read() as session:
        case = await _case(session, desk, _number(number))
        masked = await public_text(session, organisation_id=desk.organisation.id, text=text,
                                   department_id=case.department_id)
    if request.headers.get("hx-request"):
        return render(request, "web/desk_preview.html", preview=masked)
    return await _page(request, desk, _number(number), values={"text": text}, preview=masked)


def _when(value: str) -> datetime:
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise Invalid("새 기한을 날짜와 시각으로 입력해 주세요 (예: 2026-03-20 18:00)", field="due_at") from None
    return local.replace(tzinfo=SEOUL)


def _id(value: str, field: str, what: str) -> int:
    number = parse_id_text(value)
    if number is None:
        raise Invalid(f"{what}을(를) 목록에서 골라 주세요", field=field)
    return number


async def _act(request: Request, session: Any, desk: Membership, staff: Account, case: Case, action: str,
               form: FormData) -> None:
    org, site = desk.organisation, site_of(request)
    field = lambda name, limit=4000: text_field(form, name, limit=limit)  # noqa: E731
    if action == "assign":
        assignee = await session.get(Account, _id(field("assignee", 20), "assignee", "담당자"))
        if assignee is None:
            raise Invalid("담당자를 목록에서 골라 주세요", field="assignee")
        await assign_case(session, organisation=org, case_id=case.id, staff=staff, assignee=assignee,
                          note=field("note"))
    elif action == "start":
        await start_case(session, organisation=org, case_id=case.id, staff=staff)
    elif action == "ask_citizen":
        await ask_citizen(session, site=site, organisation=org, case_id=case.id, staff=staff, question=field("question"))
    elif action == "citizen_replied":
        await record_citizen_reply(session, organisation=org, case_id=case.id, actor=staff, note=field("note"))
    elif action == "transfer":
        try:
            department = await get_department_by_id(
                session, organisation_id=org.id, department_id=_id(field("department", 20), "department", "부서"))
        except NotFound:
            raise Invalid("부서를 목록에서 골라 주세요", field="department") from None
        await transfer_case(session, site=site, organisation=org, case_id=case.id, staff=staff,
                            department=department, reason=field("reason"))
    elif action == "merge":
        into = await find_case_by_number(session, organisation_id=org.id, number=field("into", 20).strip())
        if into is None:
            raise Invalid("병합할 민원 번호를 찾을 수 없습니다", field="into")
        await merge_case(session, organisation=org, case_id=case.id, staff=staff, into_case_id=into.id,
                         note=field("note"))
    elif action == "extend":
        await extend_case(session, site=site, organisation=org, case_id=case.id, staff=staff,
                          due_at=_when(field("due_at", 40)), reason=field("reason"))
    elif action == "answer":
        await answer_case(session, site=site, organisation=org, case_id=case.id, staff=staff, text=field("text", 5000))
    elif action == "close":
        await close_case(session, organisation=org, case_id=case.id, staff=staff, note=field("note"))


@router.post("/desk/cases/{number}/{action}")
async def act(request: Request, number: str, action: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    number = _number(number)
    if action not in ACTIONS:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    try:
        async with ctx(request).db.write() as session:
            case = await _case(session, desk, number)
            await _act(request, session, desk, viewer.account, case, action, form)
    except (Invalid, Conflict, Forbidden, NotFound) as exc:
        field = exc.field if exc.field in FIELDS[action] else "form"
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        return await _page(request, desk, number, status=403 if isinstance(exc, Forbidden) else 422,
                           errors={action: {field: say(exc)}}, values=values)
    except DomainError as exc:
        return await _page(request, desk, number, status=422, errors={action: {"form": say(exc)}})
    return redirect(desk_path(request, f"/desk/cases/{number}"), notice=NOTICES[action])
