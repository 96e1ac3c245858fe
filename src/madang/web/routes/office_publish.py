"""Publishing as the organisation (issue 7): the office's composer, drafts and approvals, the
organisation's posts with their staff authors, and the publishing calendar. Plain forms: each
POST is one use case in one unit of work and a redirect; a refused one shows the form again
with the reason next to the field and what was typed."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang.core.clock import utcnow
from madang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from madang.media.uploads import create_media_attachment
from madang.office import drafts as office_drafts
from madang.office.approval import approval_required
from madang.office.calendar import month_calendar, parse_local_time, parse_month, parse_week, week_calendar
from madang.office.categories import LABELS as CATEGORY_LABELS
from madang.office.compose import compose_as_organisation
from madang.office.policies import draft_actions
from madang.office.queries import DRAFT_TABS, accounts_by_id, draft_history, list_drafts, list_office_posts
from madang.office.roles import OfficeMembership, office_memberships, refusal, require_office
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, id_param, new_form_key, path_id, redirect, signed_in, site_of
from madang.web.uploads import media_store
from madang.web.templating import render
from madang.web.uploads import store_form_photo, uploaded_file
from madang.office.draft_media import draft_media
from madang.web.viewer import Viewer

router = APIRouter()
VISIBILITIES = ("public", "unlisted", "private")
# The domain's Korean labels, marked here so the English catalog carries them too.
_LABELS = [N_("문화"), N_("복지"), N_("교육"), N_("교통"), N_("행사"), N_("동네 소식"), N_("분류 없음")]
STATE_LABELS = {"draft": N_("작성 중"), "submitted": N_("승인 대기"), "returned": N_("돌려받음"), "approved": N_("승인됨"),
                "scheduled": N_("예약됨"), "published": N_("게시됨"), "cancelled": N_("취소됨")}
EVENT_LABELS = {"created": N_("작성"), "edited": N_("수정"), "submitted": N_("승인 요청"), "returned": N_("돌려보냄"),
                "approved": N_("승인"), "scheduled": N_("예약"), "rescheduled": N_("예약 시각 변경"),
                "published": N_("게시"), "cancelled": N_("취소"), "dropped": N_("게시 실패로 취소")}
TAB_LABELS = {"mine": N_("내 초안"), "waiting": N_("승인 대기"), "returned": N_("돌려받은 초안"), "scheduled": N_("예약됨"),
              "done": N_("지난 글")}


async def office_of(request: Request, viewer: Viewer, org_name: str | None, right: str = "view") -> OfficeMembership:
    """The organisation the staff member works for in the office (``org`` picks one of several)."""
    async with ctx(request).db.read() as session:
        found = [m for m in await office_memberships(session, account=viewer.account) if m.can(right)]
    if not found:  # the 403 page names the roles that carry ``right`` (web.refusals)
        raise refusal(right)
    wanted = (org_name or "").lstrip("@").lower()
    for membership in found:
        if membership.organisation.username.lower() == wanted:
            return membership
    return found[0]


def _org_query(m: OfficeMembership) -> str:
    return "?org=" + quote(m.organisation.username)


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(ctx(request).settings.time_zone)


def _local_input(request: Request, when: Any) -> str:
    return when.astimezone(_zone(request)).strftime("%Y-%m-%dT%H:%M") if when else ""


def _fields(form: FormData) -> dict[str, str]:
    return {"text": text_field(form, "text", limit=20_000), "spoiler_text": text_field(form, "spoiler_text", limit=1000),
            "visibility": text_field(form, "visibility", limit=20) or "public",
            "category": text_field(form, "category", limit=30), "scheduled_at": text_field(form, "scheduled_at", limit=40),
            "shorten": "1" if form.get("shorten") else ""}


def _post_args(request: Request, values: dict[str, str]) -> dict[str, Any]:
    if values["visibility"] not in VISIBILITIES:
        raise Invalid("Visibility must be one of public, unlisted, private", field="visibility")
    when = values["scheduled_at"].strip()
    return {"text": values["text"], "spoiler_text": values["spoiler_text"], "visibility": values["visibility"],
            "category": values["category"] or None, "shorten_links": bool(values.get("shorten")),
            "scheduled_at": parse_local_time(when, ctx(request).settings.time_zone) if when else None}


def _field_of(exc: DomainError, known: tuple[str, ...]) -> str:
    field = {"status": "text"}.get(exc.field or "", exc.field or "")
    return field if field in known else "form"


# --- the composer --------------------------------------------------------------------------


async def _compose_page(request: Request, viewer: Viewer, m: OfficeMembership, *, values: dict[str, str] | None = None,
                        errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        choices = [x for x in await office_memberships(session, account=viewer.account) if x.can("write")]
        approval = await approval_required(session, m.organisation.id)
    return render(request, "web/office_publish.html", status=status, office=m, choices=choices, approval=approval,
                  values=values or {"visibility": "public", "shorten": "1"}, errors=errors or {}, categories=CATEGORY_LABELS,
                  form_key=new_form_key(), section="publish")


@router.get("/office/publish")
async def compose_page(request: Request) -> Response:
    viewer = await signed_in(request)
    m = await office_of(request, viewer, request.query_params.get("org"), "write")
    return await _compose_page(request, viewer, m)


@router.post("/office/publish")
async def compose(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    m = await office_of(request, viewer, text_field(form, "organisation", limit=40), "write")
    values = _fields(form)
    values["photo_description"] = text_field(form, "photo_description", limit=2000)
    action = text_field(form, "action", limit=20)
    photo = uploaded_file(form, "photo")
    store = media_store(request)
    try:
        args = _post_args(request, values)
        async with AsyncExitStack() as stack:
            stored = await store_form_photo(stack, request, photo)
            async with ctx(request).db.write() as session:
                media_ids = None
                if stored is not None:
                    media = await create_media_attachment(session, store=store, account_id=m.organisation.id,
                                                          upload=stored,
                                                          description=values["photo_description"] or None)
                    media_ids = [media.id]
                draft = await compose_as_organisation(session, site=site_of(request), organisation=m.organisation,
                                                      staff=viewer.account, action=action, media_ids=media_ids,
                                                      **args)
    except (Invalid, Conflict, NotFound, Forbidden) as exc:
        field = _field_of(exc, ("text", "spoiler_text", "visibility", "category", "scheduled_at", "photo",
                                "photo_description"))
        if exc.field == "file":
            field = "photo"
        elif exc.field == "description":
            field = "photo_description"
        return await _compose_page(request, viewer, m, values=values, errors={field: describe(exc)}, status=422)
    notice = {"save": "office_saved", "submit": "office_submitted"}.get(
        action, "office_scheduled" if draft.scheduled_at else "office_published")
    return redirect(f"/office/publish/drafts/{draft.id}", notice=notice)


# --- drafts --------------------------------------------------------------------------------


@router.get("/office/publish/drafts")
async def drafts_page(request: Request) -> Response:
    viewer = await signed_in(request)
    m = await office_of(request, viewer, request.query_params.get("org"))
    tab = request.query_params.get("tab") or "mine"
    if tab not in DRAFT_TABS:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    async with ctx(request).db.read() as session:
        rows = await list_drafts(session, organisation=m.organisation, staff=viewer.account, tab=tab)
        approval = await approval_required(session, m.organisation.id)
    return render(request, "web/office_drafts.html", office=m, tab=tab, tabs=TAB_LABELS, rows=rows,
                  states=STATE_LABELS, categories=CATEGORY_LABELS, approval=approval, section="drafts",
                  org_query=_org_query(m))


async def _draft_page(request: Request, viewer: Viewer, draft_id: int, *, values: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        draft = await office_drafts.get_draft(session, draft_id=draft_id, staff=viewer.account)
        member = await require_office(session, organisation_id=draft.organisation_id, account=viewer.account,
                                      right="view")
        approval = await approval_required(session, draft.organisation_id)
        events = await draft_history(session, draft=draft)
        store = media_store(request)
        photos = [{"url": store.url(m.file_key), "small": store.url(m.small_key) if m.small_key else None,
                   "description": m.description} for m in await draft_media(session, draft.id)]
        people = await accounts_by_id(session, {draft.author_id, draft.approved_by_id or 0, draft.organisation_id})
    m = OfficeMembership(people[draft.organisation_id], member)
    if values is None:
        values = {"text": draft.text, "spoiler_text": draft.spoiler_text, "visibility": draft.visibility,
                  "category": draft.category or "", "scheduled_at": _local_input(request, draft.scheduled_at)}
    return render(request, "web/office_draft.html", status=status, office=m, draft=draft, events=events,
                  author=people[draft.author_id], approver=people.get(draft.approved_by_id or 0),
                  actions=draft_actions(draft, member, approval=approval), approval=approval, values=values,
                  errors=errors or {}, states=STATE_LABELS, event_labels=EVENT_LABELS, categories=CATEGORY_LABELS,
                  section="drafts", org_query=_org_query(m), photos=photos)


@router.get("/office/publish/drafts/{draft_id}")
async def draft_page(request: Request, draft_id: str) -> Response:
    viewer = await signed_in(request)
    return await _draft_page(request, viewer, path_id(draft_id))


DRAFT_ACTIONS = ("edit", "submit", "approve", "publish", "return", "cancel", "move")
NOTICES = {"edit": "office_saved", "submit": "office_submitted", "approve": "office_approved",
           "publish": "office_published", "return": "office_returned", "cancel": "office_cancelled",
           "move": "office_moved"}


@router.post("/office/publish/drafts/{draft_id}/{action}")
async def draft_action(request: Request, draft_id: str, action: str) -> Response:
    viewer = await signed_in(request)
    target = path_id(draft_id)
    if action not in DRAFT_ACTIONS:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    form = await checked_form(request)
    values = _fields(form) if action == "edit" else None
    note = text_field(form, "note", limit=2000)
    back = text_field(form, "back", limit=200)
    try:
        async with ctx(request).db.write() as session:
            draft = await _run(request, session, viewer, target, action, values, note, form)
    except (Invalid, Conflict, NotFound, Forbidden) as exc:
        if isinstance(exc, NotFound) and exc.field is None:
            raise WebProblem(404, N_("찾을 수 없습니다.")) from None
        field = _field_of(exc, ("text", "spoiler_text", "visibility", "category", "scheduled_at", "note"))
        errors = {field: describe(exc), "_action": action}
        if back.startswith("/office/calendar"):
            return redirect(back, notice="office_refused")
        return await _draft_page(request, viewer, target, values=values, errors=errors, status=422)
    notice = NOTICES[action]
    if action in ("approve", "publish") and draft.state == "scheduled":
        notice = "office_scheduled"
    if back.startswith("/office/calendar") and not back.startswith("//"):
        return redirect(back, notice=notice)
    return redirect(f"/office/publish/drafts/{target}", notice=notice)


async def _run(request: Request, session: Any, viewer: Viewer, target: int, action: str,
               values: dict[str, str] | None, note: str, form: FormData) -> Any:
    me, site = viewer.account, site_of(request)
    if action == "edit":
        assert values is not None
        args = _post_args(request, values)
        args.pop("shorten_links", None)  # links are shortened when a draft is first written
        return await office_drafts.edit_draft(session, site=site, draft_id=target, staff=me, **args)
    if action == "submit":
        return await office_drafts.submit_draft(session, draft_id=target, staff=me, note=note)
    if action == "approve":
        return await office_drafts.approve_draft(session, site=site, draft_id=target, staff=me)
    if action == "publish":
        return await office_drafts.publish_draft(session, site=site, draft_id=target, staff=me)
    if action == "return":
        return await office_drafts.return_draft(session, draft_id=target, staff=me, note=note)
    if action == "cancel":
        return await office_drafts.cancel_draft(session, draft_id=target, staff=me, note=note)
    when = parse_local_time(text_field(form, "scheduled_at", limit=40), ctx(request).settings.time_zone)
    return await office_drafts.reschedule_draft(session, draft_id=target, staff=me, scheduled_at=when)


# --- the organisation's posts and the calendar ---------------------------------------------


@router.get("/office/posts")
async def posts_page(request: Request) -> Response:
    viewer = await signed_in(request)
    m = await office_of(request, viewer, request.query_params.get("org"))
    async with ctx(request).db.read() as session:
        posts = await list_office_posts(session, organisation=m.organisation, staff=viewer.account,
                                        before_id=id_param(request, "max_id"))
    return render(request, "web/office_posts.html", office=m, posts=posts, categories=CATEGORY_LABELS,
                  section="posts", org_query=_org_query(m))


@router.get("/office/calendar")
async def calendar_page(request: Request) -> Response:
    viewer = await signed_in(request)
    m = await office_of(request, viewer, request.query_params.get("org"))
    today = utcnow().astimezone(_zone(request)).date()
    if request.query_params.get("view") == "week":
        return await _week_page(request, viewer, m, today)
    try:
        first = parse_month(request.query_params.get("month"), today)
    except Invalid:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다.")) from None
    if not date(2000, 1, 1) <= first <= date(2100, 1, 1):
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    async with ctx(request).db.read() as session:
        month = await month_calendar(session, organisation=m.organisation, staff=viewer.account, first=first,
                                     time_zone=ctx(request).settings.time_zone)
    return render(request, "web/office_calendar.html", office=m, month=month, today=today, section="calendar",
                  categories=CATEGORY_LABELS, can_write=m.can("write"), org_query=_org_query(m),
                  local_input=lambda when: _local_input(request, when),
                  local_clock=lambda when: when.astimezone(_zone(request)).strftime("%H:%M"),
                  here=f"/office/calendar?org={quote(m.organisation.username)}&month={first:%Y-%m}")


async def _week_page(request: Request, viewer: Viewer, m: OfficeMembership, today: date) -> Response:
    """``?view=week&week=2026-W50`` (or ``&start=2026-12-09``): seven days, Monday first."""
    try:
        monday = parse_week(request.query_params.get("week"), request.query_params.get("start"), today)
    except Invalid:
        raise WebProblem(400, N_("주 주소가 올바르지 않습니다. 2026-W50처럼 연도와 주 번호를 적어 주세요.")) from None
    if not date(2000, 1, 1) <= monday <= date(2100, 1, 1):
        raise WebProblem(400, N_("주 주소가 올바르지 않습니다. 2026-W50처럼 연도와 주 번호를 적어 주세요."))
    async with ctx(request).db.read() as session:
        week = await week_calendar(session, organisation=m.organisation, staff=viewer.account, monday=monday,
                                   time_zone=ctx(request).settings.time_zone)
    return render(request, "web/office_calendar_week.html", office=m, week=week, today=today, section="calendar",
                  categories=CATEGORY_LABELS, can_write=m.can("write"), org_query=_org_query(m),
                  local_input=lambda when: _local_input(request, when),
                  local_clock=lambda when: when.astimezone(_zone(request)).strftime("%H:%M"),
                  here=f"/office/calendar?org={quote(m.organisation.username)}&view=week&week={week.iso}")


# --- office roles and approval (office admins) ---------------------------------------------


async def _staff_page(request: Request, viewer: Viewer, m: OfficeMembership, *, errors: dict[str, str] | None = None,
                      status: int = 200) -> Response:
    from madang.desk.organisations import OFFICE_ROLE_LABELS, ROLE_LABELS, list_staff

    async with ctx(request).db.read() as session:
        await require_office(session, organisation_id=m.organisation.id, account=viewer.account, right="manage")
        staff = await list_staff(session, organisation_id=m.organisation.id)
        approval = await approval_required(session, m.organisation.id)
    return render(request, "web/office_staff.html", status=status, office=m, staff=staff, approval=approval,
                  office_roles=OFFICE_ROLE_LABELS, desk_roles=ROLE_LABELS, errors=errors or {}, section="staff",
                  org_query=_org_query(m))


_ROLE_NAMES = [N_("게시 담당"), N_("승인 담당"), N_("응대 담당"), N_("열람"), N_("민원 총괄"), N_("분류 담당"), N_("부서 담당자")]


@router.get("/office/staff")
async def staff_page(request: Request) -> Response:
    viewer = await signed_in(request)
    m = await office_of(request, viewer, request.query_params.get("org"), "manage")
    return await _staff_page(request, viewer, m)


@router.post("/office/staff/{member_id}/role")
async def staff_role(request: Request, member_id: str) -> Response:
    from madang.office.roles import change_office_role

    viewer = await signed_in(request)
    target = path_id(member_id)
    form = await checked_form(request)
    m = await office_of(request, viewer, text_field(form, "org", limit=40), "manage")
    try:
        async with ctx(request).db.write() as session:
            await change_office_role(session, organisation=m.organisation, staff=viewer.account, member_id=target,
                                     office_role=text_field(form, "office_role", limit=20) or None)
    except (Invalid, NotFound) as exc:
        return await _staff_page(request, viewer, m, errors={f"role-{target}": describe(exc)}, status=422)
    return redirect("/office/staff" + _org_query(m), notice="office_roles_saved")


@router.post("/office/staff/approval")
async def staff_approval(request: Request) -> Response:
    from madang.office.approval import set_approval_required

    viewer = await signed_in(request)
    form = await checked_form(request)
    m = await office_of(request, viewer, text_field(form, "org", limit=40), "manage")
    async with ctx(request).db.write() as session:
        await set_approval_required(session, organisation=m.organisation, staff=viewer.account,
                                    required=text_field(form, "required", limit=1) == "1")
    return redirect("/office/staff" + _org_query(m), notice="office_roles_saved")
