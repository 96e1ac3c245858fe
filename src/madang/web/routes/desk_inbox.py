"""The office's inbox (`/desk`): tabs for untriaged posts (turned into a case or set aside in one
action), my cases, my department's, due today, overdue and waiting for the citizen; and the form
staff use to log a phone call or a visit (`/desk/cases/new`)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.desk.inbox import mark_not_a_case, triage_to_case
from madang.desk.organisations import TRIAGE, get_department_by_id, list_departments
from madang.desk.queries import TABS, Membership, case_tab, memberships, names_for, tab_counts, untriaged_page
from madang.desk.web_intake import TEXT_LIMIT, log_call_or_visit
from madang.models.desk import KINDS
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in, site_of
from madang.web.routes.desk_common import (
    desk_path, due_state, due_text, due_when, first_words, kind_choices, page_number, say, staff_desk, status_label,
)
from madang.web.routes.desk_citizen import my_cases
from madang.web.templating import render
from madang.core.ids import parse_id_text

router = APIRouter()
PAGE = 20
TAB_LABELS = {"untriaged": N_("미분류"), "mine": N_("내 담당"), "department": N_("우리 부서"), "due_today": N_("오늘 마감"),
              "overdue": N_("기한 지남"), "waiting": N_("시민 답변 대기")}
LOG_FIELDS = ("channel", "kind", "department", "description", "name", "email", "phone")


async def _inbox(request: Request, desk: Membership, *, tab: str, status: int = 200,
                 errors: dict[str, dict[str, str]] | None = None, values: dict[str, str] | None = None) -> Response:
    page = page_number(request)
    now = utcnow()
    org, staff = desk.organisation, desk.member
    async with ctx(request).db.read() as session:
        account = request.state.viewer.account  # signed in: the desk was found for this viewer
        counts = await tab_counts(session, organisation=org, staff=account, now=now)
        departments = await list_departments(session, organisation_id=org.id)
        items, cases, more = [], [], False
        if tab == "untriaged":
            rows, more = await untriaged_page(session, organisation=org, staff=account, offset=(page - 1) * PAGE,
                                              limit=PAGE)
            items = [{"id": str(i.id), "author": f"@{a.acct}", "author_name": a.display_name or a.username,
                      "text": first_words(s.text, 500), "received_at": i.received_at,
                      "direct": s.visibility == "direct", "url": f"/@{a.acct}/{s.id}"} for i, s, a in rows]
        else:
            found, more = await case_tab(session, organisation=org, staff=account, tab=tab, now=now,
                                         offset=(page - 1) * PAGE, limit=PAGE)
            names, accounts = await names_for(session, cases=found)
            cases = [{"number": c.number, "title": first_words(c.description_public, masked=True), "status_label": status_label(c.status),
                      "department": names[c.department_id].name if c.department_id in names else "",
                      "assignee": f"@{accounts[c.assignee_id].acct}" if c.assignee_id in accounts else "",
                      "due_when": due_when(c.due_at), "due_text": due_text(c.due_at, now, c.status),
                      "due_state": due_state(c.due_at, now, c.status)} for c in found]
    return render(request, "web/desk_inbox.html", status=status, tab=tab, tabs=[(t, gettext_(TAB_LABELS[t]), counts[t])
                  for t in TABS], items=items, cases=cases, page=page, more=more, kinds=kind_choices(),
                  departments=[(str(d.id), d.name) for d in departments], can_triage=staff.role in TRIAGE,
                  errors=errors or {}, values=values or {}, org=org, role=staff.role)


@router.get("/desk")
async def inbox(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        is_staff = bool(await memberships(session, account=viewer.account))
    if not is_staff:
        # A citizen who opens the desk gets their own cases and the way to write a new one.
        return await my_cases(request)
    desk = await staff_desk(request, viewer)
    tab = request.query_params.get("tab") or ("untriaged" if desk.member.role in TRIAGE else "department")
    if tab not in TABS:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return await _inbox(request, desk, tab=tab)


@router.post("/desk/inbox/{item_id}/case")
async def triage(request: Request, item_id: str) -> Response:
    """민원으로 등록: the post becomes a case in one action."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    iid = path_id(item_id)
    kind, department = text_field(form, "kind", limit=40), text_field(form, "department", limit=20)
    try:
        async with ctx(request).db.write() as session:
            if kind not in KINDS:
                raise Invalid("민원 종류를 골라 주세요", field="kind")
            chosen = None
            if department:
                if parse_id_text(department) is None:
                    raise Invalid("부서를 목록에서 골라 주세요", field="department")
                chosen = await get_department_by_id(session, organisation_id=desk.organisation.id,
                                                    department_id=int(department))
            case = await triage_to_case(session, site=site_of(request), organisation=desk.organisation, item_id=iid,
                                        staff=viewer.account, kind=kind, department=chosen)
            number = case.number
    except (Invalid, Conflict, NotFound, Forbidden) as exc:
        field = exc.field if exc.field in ("kind", "department") else "form"
        return await _inbox(request, desk, tab="untriaged", status=403 if isinstance(exc, Forbidden) else 422,
                            errors={item_id: {field: say(exc)}}, values={"kind": kind, "department": department})
    return redirect(desk_path(request, f"/desk?tab=untriaged&case={number}"), notice="desk_triaged")


@router.post("/desk/inbox/bulk")
async def bulk(request: Request) -> Response:
    """Several ticked posts at once (decision 0047): all set aside as not a case, or all opened as
    cases of one kind; one post that cannot be refuses the lot and nothing changes."""
    from madang.desk.inbox_bulk import dismiss_many, triage_many

    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    chosen = [v for v in form.getlist("items") if isinstance(v, str)]
    action = text_field(form, "action", limit=20)
    kind, department = text_field(form, "kind", limit=40), text_field(form, "department", limit=20)
    values = {"kind": kind, "department": department}
    if any(parse_id_text(v) is None for v in chosen) or action not in ("dismiss", "case"):
        problem = gettext_("할 일을 골라 주세요.") if action not in ("dismiss", "case") else \
            gettext_("고른 글의 번호가 올바르지 않습니다. 아무것도 바꾸지 않았습니다.")
        return await _inbox(request, desk, tab="untriaged", status=422, errors={"bulk": {"form": problem}},
                            values=values)
    ids = [int(v) for v in chosen]
    try:
        async with ctx(request).db.write() as session:
            if action == "dismiss":
                await dismiss_many(session, organisation=desk.organisation, staff=viewer.account, item_ids=ids)
            else:
                department_row = None
                if department:
                    if parse_id_text(department) is None:
                        raise Invalid("부서를 목록에서 골라 주세요", field="department")
                    department_row = await get_department_by_id(session, organisation_id=desk.organisation.id,
                                                                department_id=int(department))
                await triage_many(session, site=site_of(request), organisation=desk.organisation,
                                  staff=viewer.account, item_ids=ids, kind=kind, department=department_row)
    except (Invalid, Conflict, NotFound, Forbidden) as exc:
        return await _inbox(request, desk, tab="untriaged", status=403 if isinstance(exc, Forbidden) else 422,
                            errors={"bulk": {"form": say(exc)}}, values=values)
    return redirect(desk_path(request, "/desk?tab=untriaged"),
                    notice="desk_dismissed" if action == "dismiss" else "desk_triaged")


@router.post("/desk/inbox/{item_id}/dismiss")
async def dismiss(request: Request, item_id: str) -> Response:
    """민원 아님: set aside, kept with who decided."""
    viewer = await signed_in(request)
    await checked_form(request)
    desk = await staff_desk(request, viewer)
    try:
        async with ctx(request).db.write() as session:
            await mark_not_a_case(session, organisation=desk.organisation, item_id=path_id(item_id),
                                  staff=viewer.account)
    except (Conflict, NotFound, Forbidden) as exc:
        return await _inbox(request, desk, tab="untriaged", status=403 if isinstance(exc, Forbidden) else 422,
                            errors={item_id: {"form": say(exc)}})
    return redirect(desk_path(request, "/desk?tab=untriaged"), notice="desk_dismissed")


# --- a phone call or a visit, written down by staff -------------------------------------------


async def _log_form(request: Request, desk: Membership, *, values: dict[str, str], errors: dict[str, str],
                    status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        departments = await list_departments(session, organisation_id=desk.organisation.id)
    return render(request, "web/desk_log.html", status=status, values=values, errors=errors, kinds=kind_choices(),
                  departments=[(str(d.id), d.name) for d in departments], limit=TEXT_LIMIT, org=desk.organisation)


@router.get("/desk/cases/new")
async def log_page(request: Request) -> Response:
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    return await _log_form(request, desk, values={"channel": "phone", "kind": "other"}, errors={})


@router.post("/desk/cases/new")
async def log_submit(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    values = {name: text_field(form, name, limit=TEXT_LIMIT * 2 if name == "description" else 400)
              for name in LOG_FIELDS}
    try:
        async with ctx(request).db.write() as session:
            case = await log_call_or_visit(
                session, site=site_of(request), organisation=desk.organisation, staff=viewer.account,
                channel=values["channel"], kind=values["kind"], description=values["description"],
                department=values["department"], guest_name=values["name"], guest_email=values["email"],
                guest_phone=values["phone"])
            number = case.number
    except (Invalid, NotFound, Conflict, Forbidden) as exc:
        field = exc.field if exc.field in LOG_FIELDS else "form"
        return await _log_form(request, desk, values=values, errors={field: say(exc)},
                               status=403 if isinstance(exc, Forbidden) else 422)
    return redirect(desk_path(request, f"/desk/cases/{number}"), notice="desk_logged")
