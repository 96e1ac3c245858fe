"""The office's live monitor (`/office/monitor`): mentions of the organisation, replies to it,
watched hashtags and keywords, newest first, arriving live over server-sent events (pausable),
with one-click actions: mark handled (every watcher sees it), open as a desk case, and, for staff
who may, reply or favourite as the organisation."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response, StreamingResponse

from madang.core.errors import Conflict, DomainError, Forbidden, NotFound
from madang.desk.organisations import HANDLE, TRIAGE
from madang.desk.queries import Membership
from madang.models import Account
from madang.models.desk import KINDS
from madang.monitor.cases import open_case_from_post
from madang.monitor.assignments import assign, assign_many, assignable_staff, handle_many
from madang.monitor.feed import SHOWS, Item, load_items, monitor_page
from madang.monitor.hub import MonitorHub, Watcher
from madang.monitor.marks import set_handled
from madang.monitor.watches import add_watch, list_watches, load_rules, remove_watch
from madang.runtime import ctx_of
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in, site_of
from madang.web.routes.desk_common import desk_path, kind_choices, say, staff_desk
from madang.web.templating import render
from madang.core.ids import parse_id_text

router = APIRouter()
HUB_KEY = "web.monitor.hub"
REASON_LABELS = {"mention": N_("멘션"), "reply": N_("답글"), "hashtag": N_("해시태그"), "keyword": N_("낱말")}
SHOW_LABELS = {"all": N_("모든 글"), "unhandled": N_("처리 안 한 글"), "mine": N_("나에게 배정된 글")}


def monitor_hub(conn: HTTPConnection) -> MonitorHub:
    """The process's monitor hub, made when the first monitor opens."""
    app = ctx_of(conn)
    hub = app.extras.get(HUB_KEY)
    if hub is None:
        hub = app.extras[HUB_KEY] = MonitorHub(app.db)
        app.events.listen(hub.on_event)
        app.events.on_close(hub.close)
    return hub


def _view(item: Item, desk: Membership) -> dict:
    from madang.web.views.statuses import safe_html

    mark = item.mark
    return {
        "id": str(item.status.id), "content": safe_html(item.status.content), "spoiler": item.status.spoiler_text,
        "author": item.author, "url": f"/@{item.author.acct}/{item.status.id}", "created_at": item.status.created_at,
        "direct": item.status.visibility == "direct",
        "reasons": [gettext_(REASON_LABELS[r]) for r in item.reasons],
        "handled_by": ((mark.handled_by.display_name or mark.handled_by.username) if mark and mark.handled_by
                       else (gettext_("알 수 없음") if mark else None)),
        "handled_at": mark.handled_at if mark else None,
        "assignee": (item.assignee.display_name or item.assignee.username) if item.assignee else None,
        "assignee_id": str(item.assignee.id) if item.assignee else "",
        "assigned_at": item.assigned_at,
    }


def _refused(exc: DomainError) -> WebProblem:
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else \
        409 if isinstance(exc, Conflict) else 422
    return WebProblem(status, say(exc))


def _abilities(desk: Membership) -> dict[str, bool]:
    from madang.office.roles import has_right

    role = desk.member.role
    return {"handle": role in HANDLE, "triage": role in TRIAGE, "respond": has_right(desk.member, "respond")}


@router.get("/office/monitor")
async def monitor(request: Request) -> Response:
    return await _page(request)


async def _page(request: Request, *, status: int = 200, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None) -> Response:
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    before = request.query_params.get("before")
    if before is not None and parse_id_text(before) is None:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    show = request.query_params.get("show") or "all"
    if show not in SHOWS:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    async with ctx(request).db.read() as session:
        rules = await load_rules(session, desk.organisation.id)
        items, older = await monitor_page(session, rules, before=int(before) if before else None, show=show,
                                          staff_id=viewer.account.id)
        watches = await list_watches(session, organisation_id=desk.organisation.id)
        colleagues = await assignable_staff(session, organisation_id=desk.organisation.id)
    return render(request, "web/office_monitor.html", status=status, org=desk.organisation,
                  items=[_view(i, desk) for i in items], older=older, first_page=before is None,
                  watches=watches, can=_abilities(desk), kinds=kind_choices(), errors=errors or {},
                  values=values or {}, show=show, shows=[(s, gettext_(SHOW_LABELS[s])) for s in SHOWS],
                  colleagues=_colleagues(colleagues), here=_here(show, before),
                  bulk_url=_here(show, before).replace("/office/monitor", "/office/monitor/bulk", 1))


@router.get("/office/monitor/items/{status_id}")
async def item_fragment(request: Request, status_id: str) -> Response:
    """One item as the monitor shows it: what the live stream's ids are fetched as."""
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    async with ctx(request).db.read() as session:
        rules = await load_rules(session, desk.organisation.id)
        found = await load_items(session, rules, [path_id(status_id)])
        colleagues = await assignable_staff(session, organisation_id=desk.organisation.id)
    if not found:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return render(request, "web/_monitor_item.html", item=_view(found[0], desk), can=_abilities(desk),
                  kinds=kind_choices(), colleagues=_colleagues(colleagues))


@router.get("/office/monitor/stream")
async def stream(request: Request) -> Response:
    viewer = await signed_in(request)
    desk = await staff_desk(request, viewer)
    hub = monitor_hub(request)
    watcher = hub.connect(desk.organisation.id)
    heartbeat = ctx_of(request).settings.streaming_heartbeat_seconds
    return StreamingResponse(_frames(hub, watcher, heartbeat), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _frames(hub: MonitorHub, watcher: Watcher, heartbeat: float) -> AsyncIterator[bytes]:
    try:
        yield b":)\n\n"
        while True:
            try:
                got = await watcher.next(timeout=heartbeat)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            if got is None:
                return
            event, payload = got
            yield f"event: {event}\ndata: {payload}\n\n".encode()
    finally:
        hub.disconnect(watcher)


@router.post("/office/monitor/watches")
async def add(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    kind = text_field(form, "kind", limit=20)
    value = text_field(form, "value", limit=200)
    try:
        async with ctx(request).db.write() as session:
            await add_watch(session, organisation=desk.organisation, staff=viewer.account, kind=kind, value=value)
    except DomainError as exc:
        if isinstance(exc, (Forbidden, NotFound)):
            raise _refused(exc) from exc
        return await _page(request, status=422, errors={"value": say(exc)}, values={"kind": kind, "value": value})
    return redirect(desk_path(request, "/office/monitor"), notice="monitor_watch_added")


@router.post("/office/monitor/watches/{watch_id}/delete")
async def remove(request: Request, watch_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    desk = await staff_desk(request, viewer)
    try:
        async with ctx(request).db.write() as session:
            await remove_watch(session, organisation=desk.organisation, staff=viewer.account,
                               watch_id=path_id(watch_id))
    except DomainError as exc:
        raise _refused(exc) from exc
    return redirect(desk_path(request, "/office/monitor"), notice="monitor_watch_removed")


@router.post("/office/monitor/items/{status_id}/handled")
async def handled(request: Request, status_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    sid = path_id(status_id)
    try:
        async with ctx(request).db.write() as session:
            await set_handled(session, organisation=desk.organisation, staff=viewer.account, status_id=sid,
                              handled=form.get("handled") != "0")
    except DomainError as exc:
        raise _refused(exc) from exc
    if request.headers.get("hx-request"):
        return await item_fragment(request, status_id)
    return redirect(desk_path(request, f"/office/monitor#m-{sid}"), notice="monitor_handled")


@router.post("/office/monitor/items/{status_id}/case")
async def open_case(request: Request, status_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    kind = text_field(form, "kind", limit=30)
    if kind not in KINDS:
        raise WebProblem(422, N_("민원 종류를 골라 주세요."))
    try:
        async with ctx(request).db.write() as session:
            case, _ = await open_case_from_post(session, site=site_of(request), organisation=desk.organisation,
                                                staff=viewer.account, status_id=path_id(status_id), kind=kind)
            number = case.number
    except DomainError as exc:
        raise _refused(exc) from exc
    return redirect(desk_path(request, f"/desk/cases/{number}"), notice="desk_triaged")


@router.post("/office/monitor/items/{status_id}/reply")
async def reply(request: Request, status_id: str) -> Response:
    """A reply as the organisation, written by the signed-in staff member (recorded as theirs)."""
    from madang.monitor.actions import reply_from_monitor

    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    sid = path_id(status_id)
    text = text_field(form, "text", limit=5000)
    try:
        async with ctx(request).db.write() as session:
            await reply_from_monitor(session, organisation=desk.organisation, staff=viewer.account,
                                     status_id=sid, text=text, site=site_of(request))
    except DomainError as exc:
        if isinstance(exc, (Forbidden, NotFound)):
            raise _refused(exc) from exc
        return await _page(request, status=422, errors={f"reply-{sid}": say(exc)}, values={f"reply-{sid}": text})
    if request.headers.get("hx-request"):
        return await item_fragment(request, status_id)
    return redirect(desk_path(request, f"/office/monitor#m-{sid}"), notice="monitor_replied")


@router.post("/office/monitor/items/{status_id}/favourite")
async def favourite(request: Request, status_id: str) -> Response:
    return await _as_organisation(request, status_id, "favourite")


@router.post("/office/monitor/items/{status_id}/reblog")
async def reblog(request: Request, status_id: str) -> Response:
    """A boost as the organisation (a citizen's good news, shared by the city)."""
    return await _as_organisation(request, status_id, "reblog")


async def _as_organisation(request: Request, status_id: str, action: str) -> Response:
    """Favourite or boost as the organisation, by a staff member who may respond for it."""
    from madang.monitor.actions import favourite_from_monitor, reblog_from_monitor

    viewer = await signed_in(request)
    await checked_form(request)
    desk = await staff_desk(request, viewer)
    sid = path_id(status_id)
    try:
        async with ctx(request).db.write() as session:
            if action == "reblog":
                await reblog_from_monitor(session, organisation=desk.organisation, staff=viewer.account,
                                          status_id=sid, site=site_of(request))
            else:
                await favourite_from_monitor(session, organisation=desk.organisation, staff=viewer.account,
                                             status_id=sid)
    except DomainError as exc:
        raise _refused(exc) from exc
    return redirect(desk_path(request, f"/office/monitor#m-{sid}"),
                    notice="monitor_reblogged" if action == "reblog" else "monitor_favourited")


# --- assigning, and several posts at once (decision 0047) ---------------------------------------


def _colleagues(accounts: list[Account]) -> list[tuple[str, str]]:
    return [(str(a.id), f"{a.display_name} (@{a.acct})" if a.display_name else f"@{a.acct}") for a in accounts]


def _here(show: str, before: str | None) -> str:
    """The list being looked at (filter and page), where a form on it comes back to."""
    query = "&".join(f"{k}={v}" for k, v in (("show", show if show != "all" else None), ("before", before)) if v)
    return "/office/monitor" + ("?" + query if query else "")


def _assignee_field(value: str) -> int | None:
    if not value:
        return None
    if parse_id_text(value) is None:
        raise WebProblem(422, N_("담당자를 목록에서 골라 주세요."))
    return int(value)


@router.post("/office/monitor/items/{status_id}/assign")
async def assign_item(request: Request, status_id: str) -> Response:
    """Gives the post to a colleague (an empty choice: to nobody)."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    sid = path_id(status_id)
    assignee = _assignee_field(text_field(form, "assignee", limit=30))
    try:
        async with ctx(request).db.write() as session:
            await assign(session, organisation=desk.organisation, staff=viewer.account, status_id=sid,
                         assignee_id=assignee)
    except DomainError as exc:
        raise _refused(exc) from exc
    if request.headers.get("hx-request"):
        return await item_fragment(request, status_id)
    return redirect(desk_path(request, f"/office/monitor#m-{sid}"), notice="desk_assigned")


@router.post("/office/monitor/bulk")
async def bulk(request: Request) -> Response:
    """The ticked posts, all marked handled or all given to one colleague, in one unit of work;
    one id that is not on the monitor refuses the lot and nothing changes. The filter and page
    in the address (``show``, ``before``) are where the staff member comes back to."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    desk = await staff_desk(request, viewer)
    show, before = request.query_params.get("show") or "all", request.query_params.get("before")
    if show not in SHOWS or (before is not None and parse_id_text(before) is None):
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    chosen = [v for v in form.getlist("ids") if isinstance(v, str)]
    action = text_field(form, "action", limit=20)
    if any(parse_id_text(v) is None for v in chosen):
        return await _page(request, status=422, errors={"bulk": gettext_("고른 글의 번호가 올바르지 않습니다. 아무것도 바꾸지 않았습니다.")})
    if action not in ("handled", "assign"):
        return await _page(request, status=422, errors={"bulk": gettext_("할 일을 골라 주세요.")})
    assignee = _assignee_field(text_field(form, "assignee", limit=30)) if action == "assign" else None
    try:
        async with ctx(request).db.write() as session:
            if action == "handled":
                await handle_many(session, organisation=desk.organisation, staff=viewer.account,
                                  status_ids=[int(v) for v in chosen])
            else:
                await assign_many(session, organisation=desk.organisation, staff=viewer.account,
                                  status_ids=[int(v) for v in chosen], assignee_id=assignee)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise _refused(exc) from exc
        return await _page(request, status=422, errors={"bulk": say(exc)})
    return redirect(desk_path(request, _here(show, before)),
                    notice="monitor_handled" if action == "handled" else "desk_assigned")
