"""A citizen's own cases (`/desk/my`) and a guest's private link (`/desk/g/{id}/{token}`):
status, due date, the public answer and the satisfaction rating."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.answers import rate_case, record_rating
from madang.desk.cases import get_case_for_citizen
from madang.desk.guest_links import case_for_guest, guest_path
from madang.desk.interim import send_interim_notice
from madang.desk.privacy import public_description
from madang.desk.queries import citizen_cases, memberships
from madang.desk.transitions import OPEN
from madang.models import Account
from madang.models.desk import Case
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in, site_of
from madang.web.routes.desk_common import (
    due_state, due_text, due_when, kind_label, page_number, say, status_label,
)
from madang.web.templating import render
from madang.web.viewer import load_viewer

router = APIRouter()
PAGE = 20


def citizen_view(case: Case, organisation: Account | None) -> dict:
    now = utcnow()
    return {
        "id": case.id, "number": case.number, "status": case.status, "status_label": status_label(case.status),
        "kind_label": kind_label(case.kind), "received_at": case.received_at, "due_at": case.due_at,
        "due_when": due_when(case.due_at), "due_text": due_text(case.due_at, now, case.status),
        "due_state": due_state(case.due_at, now, case.status),
        "organisation": (organisation.display_name or organisation.username) if organisation else "",
        "description": public_description(case), "answer": case.answer_public, "answered_at": case.answered_at,
        "rating": case.rating, "rating_comment": case.rating_comment,
        "can_rate": case.rating is None and case.answered_at is not None and case.status in ("answered", "closed"),
        "open": case.status in OPEN,
    }


@router.get("/desk/my")
async def my_cases(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_number(request)
    async with ctx(request).db.read() as session:
        rows, more = await citizen_cases(session, citizen=viewer.account, offset=(page - 1) * PAGE, limit=PAGE)
        staff = bool(await memberships(session, account=viewer.account))
    return render(request, "web/desk_my.html", cases=[citizen_view(c, o) for c, o in rows], page=page,
                  more=more, staff=staff)


async def _own(request: Request, case_id: str) -> tuple[dict, str]:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        case = await get_case_for_citizen(session, citizen=viewer.account, case_id=path_id(case_id))
        organisation = await session.get(Account, case.organisation_id)
    return citizen_view(case, organisation), f"/desk/my/{case.id}"


@router.get("/desk/my/{case_id}")
async def my_case(request: Request, case_id: str) -> Response:
    try:
        view, here = await _own(request, case_id)
    except NotFound:
        raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    return render(request, "web/desk_citizen_case.html", case=view, action=here + "/rate", link=None,
                  values={}, errors={}, progress_action=here + "/progress")


@router.post("/desk/my/{case_id}/progress")
async def ask_for_progress(request: Request, case_id: str) -> Response:
    """The citizen asks how their case goes: an interim notice with the expected date."""
    viewer = await signed_in(request)
    await checked_form(request)
    cid = path_id(case_id)
    try:
        async with ctx(request).db.write() as session:
            case = await get_case_for_citizen(session, citizen=viewer.account, case_id=cid)
            await send_interim_notice(session, site=site_of(request), case=case, asked_by=viewer.account)
    except NotFound:
        raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    except Invalid as exc:
        view, here = await _own(request, case_id)
        return render(request, "web/desk_citizen_case.html", status=422, case=view, action=here + "/rate",
                      link=None, values={}, errors={"progress": say(exc)}, progress_action=here + "/progress")
    return redirect(f"/desk/my/{cid}", notice="desk_progress_sent")


@router.post("/desk/my/{case_id}/rate")
async def rate_my_case(request: Request, case_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    values = {"rating": text_field(form, "rating", limit=4), "comment": text_field(form, "comment", limit=2000)}
    cid = path_id(case_id)
    try:
        rating = _rating(values["rating"])
        async with ctx(request).db.write() as session:
            await rate_case(session, citizen=viewer.account, case_id=cid, rating=rating, comment=values["comment"])
    except NotFound:
        raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    except (Invalid, Conflict) as exc:
        view, here = await _own(request, case_id)
        return render(request, "web/desk_citizen_case.html", status=422, case=view, action=here + "/rate",
                      link=None, values=values, errors={_field(exc): say(exc)})
    return redirect(f"/desk/my/{cid}", notice="desk_rated")


def _rating(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 1 or not 1 <= int(value) <= 5:
        raise Invalid("만족도를 1점부터 5점 중에서 골라 주세요", field="rating")
    return int(value)


def _field(exc: Invalid | Conflict) -> str:
    return exc.field if exc.field in ("rating", "comment") else "form"


# --- a guest's private link ------------------------------------------------------------------------


async def _guest(request: Request, case_id: str, token: str) -> tuple[dict, str]:
    secret = ctx(request).settings.secret_key
    async with ctx(request).db.read() as session:
        try:
            case = await case_for_guest(session, secret_key=secret, case_id=path_id(case_id), token=token)
        except NotFound:
            raise WebProblem(404, N_("찾을 수 없습니다.")) from None
        organisation = await session.get(Account, case.organisation_id)
    return citizen_view(case, organisation), guest_path(secret, case)


@router.get("/desk/g/{case_id}/{token}")
async def guest_case(request: Request, case_id: str, token: str) -> Response:
    await load_viewer(request)
    view, here = await _guest(request, case_id, token)
    return render(request, "web/desk_citizen_case.html", case=view, action=here + "/rate",
                  link=ctx(request).settings.base_url.rstrip("/") + here, values={}, errors={},
                  headers={"Referrer-Policy": "no-referrer"})


@router.post("/desk/g/{case_id}/{token}/rate")
async def rate_guest_case(request: Request, case_id: str, token: str) -> Response:
    await load_viewer(request)
    form = await checked_form(request)
    view, here = await _guest(request, case_id, token)
    values = {"rating": text_field(form, "rating", limit=4), "comment": text_field(form, "comment", limit=2000)}
    secret = ctx(request).settings.secret_key
    try:
        rating = _rating(values["rating"])
        async with ctx(request).db.write() as session:
            case = await case_for_guest(session, secret_key=secret, case_id=view["id"], token=token)
            await record_rating(session, case=case, actor_id=None, rating=rating, comment=values["comment"])
    except (Invalid, Conflict) as exc:
        return render(request, "web/desk_citizen_case.html", status=422, case=view, action=here + "/rate",
                      link=ctx(request).settings.base_url.rstrip("/") + here, values=values,
                      errors={_field(exc): say(exc)})
    return redirect(here, notice="desk_rated")
