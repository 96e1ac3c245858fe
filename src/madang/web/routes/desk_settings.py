"""The office's desk settings (office admins only): departments, staff, canned answers and office
closures. Plain forms: each change is one POST, one use case, and a redirect back; a refused one
shows the page again with the reason next to the field and what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk import canned, office, published_contacts
from madang.desk.organisations import ROLE_LABELS, list_departments, list_staff
from madang.models import Account
from madang.models.desk import STAFF_ROLES
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.core.ids import parse_id_text

router = APIRouter()
SECTIONS = ("departments", "staff", "canned", "closures", "contacts")
Action = Callable[[AsyncSession, Account, Account, dict[str, str]], Awaitable[Any]]


def _url(section: str, org: str | None) -> str:
    return f"/desk/settings/{section}" + (f"?org={quote(org)}" if org else "")


def _optional_id(value: str, field: str) -> int | None:
    if not value:
        return None
    number = parse_id_text(value)
    if number is None:
        raise Invalid("목록에서 골라 주세요", field=field)
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("날짜는 2026-12-31처럼 연-월-일로 적어 주세요", field="day") from None


async def _page(request: Request, viewer: Viewer, section: str, *, org_name: str | None,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    data: dict[str, Any] = {}
    async with ctx(request).db.read() as session:
        org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
        departments = await list_departments(session, organisation_id=org.id, include_inactive=True)
        if section == "staff":
            data["staff"] = await list_staff(session, organisation_id=org.id)
        elif section == "canned":
            data["canned"] = await canned.list_canned(session, organisation=org, staff=viewer.account)
            data["changes"] = await canned.canned_changes(session, organisation=org, staff=viewer.account, limit=20)
        elif section == "closures":
            data["closures"] = await office.list_closures(session, organisation=org)
        elif section == "contacts":
            data["contacts"] = await published_contacts.list_contacts(session, organisation=org, staff=viewer.account)
    return render(request, f"web/desk_settings_{section}.html", status=status, org=org, org_name=org_name,
                  section=section, departments=departments, department_names={d.id: d.name for d in departments},
                  roles=ROLE_LABELS, role_codes=STAFF_ROLES, values=values or {}, errors=errors or {}, **data)


@router.get("/desk/settings")
async def settings_index(request: Request) -> Response:
    await signed_in(request)
    return redirect(_url("departments", request.query_params.get("org")))


@router.get("/desk/settings/{section}")
async def settings_page(request: Request, section: str) -> Response:
    viewer = await signed_in(request)
    if section not in SECTIONS:
        path_id("")  # 404
    org = request.query_params.get("org")
    return await _page(request, viewer, section, org_name=org[:40] if org else None)


async def _act(request: Request, section: str, form_key: str, fields: dict[str, int], action: Action) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    values = {name: text_field(form, name, limit=limit) for name, limit in fields.items()}
    org_name = text_field(form, "org", limit=40) or None
    try:
        async with ctx(request).db.write() as session:
            org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
            await action(session, org, viewer.account, values)
    except (Invalid, Conflict, NotFound) as exc:
        field = exc.field if exc.field in values else "form"
        return await _page(request, viewer, section, org_name=org_name, values=values,
                           errors={field: describe(exc), "_form": form_key}, status=422)
    return redirect(_url(section, org_name), notice="desk_saved")


# --- departments ---------------------------------------------------------------------------

@router.post("/desk/settings/departments")
async def add_department(request: Request) -> Response:
    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.add_department(s, organisation=org, staff=me, name=v["name"], code=v["code"])
    return await _act(request, "departments", "add", {"name": 200, "code": 100}, act)


@router.post("/desk/settings/departments/{department_id}/rename")
async def rename_department(request: Request, department_id: str) -> Response:
    target = path_id(department_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.rename_department(s, organisation=org, staff=me, department_id=target, name=v["name"])
    return await _act(request, "departments", f"rename-{target}", {"name": 200}, act)


@router.post("/desk/settings/departments/{department_id}/active")
async def department_active(request: Request, department_id: str) -> Response:
    target = path_id(department_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.set_department_active(s, organisation=org, staff=me, department_id=target,
                                                  active=v["active"] == "1")
    return await _act(request, "departments", f"active-{target}", {"active": 1}, act)


# --- staff ---------------------------------------------------------------------------------

@router.post("/desk/settings/staff")
async def add_staff(request: Request) -> Response:
    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.add_staff(s, organisation=org, staff=me, username=v["username"], role=v["role"],
                                      department_id=_optional_id(v["department"], "department"))
    return await _act(request, "staff", "add", {"username": 100, "role": 20, "department": 20}, act)


@router.post("/desk/settings/staff/{member_id}/role")
async def change_role(request: Request, member_id: str) -> Response:
    target = path_id(member_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.change_staff_role(s, organisation=org, staff=me, member_id=target, role=v["role"],
                                              department_id=_optional_id(v["department"], "department"))
    return await _act(request, "staff", f"role-{target}", {"role": 20, "department": 20}, act)


@router.post("/desk/settings/staff/{member_id}/remove")
async def remove_staff(request: Request, member_id: str) -> Response:
    target = path_id(member_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.remove_staff(s, organisation=org, staff=me, member_id=target)
    return await _act(request, "staff", f"remove-{target}", {}, act)


# --- canned answers ------------------------------------------------------------------------

CANNED_FIELDS = {"title": 200, "text": 4000, "department": 20, "category": 100}


@router.post("/desk/settings/canned")
async def add_canned(request: Request) -> Response:
    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await canned.add_canned(s, organisation=org, staff=me, title=v["title"], text=v["text"],
                                       department_id=_optional_id(v["department"], "department"),
                                       category=v["category"])
    return await _act(request, "canned", "add", CANNED_FIELDS, act)


@router.post("/desk/settings/canned/{canned_id}/edit")
async def edit_canned(request: Request, canned_id: str) -> Response:
    target = path_id(canned_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await canned.edit_canned(s, organisation=org, staff=me, canned_id=target, title=v["title"],
                                        text=v["text"], department_id=_optional_id(v["department"], "department"),
                                        category=v["category"])
    return await _act(request, "canned", f"edit-{target}", CANNED_FIELDS, act)


@router.post("/desk/settings/canned/{canned_id}/delete")
async def delete_canned(request: Request, canned_id: str) -> Response:
    target = path_id(canned_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await canned.delete_canned(s, organisation=org, staff=me, canned_id=target)
    return await _act(request, "canned", f"delete-{target}", {}, act)


# --- closures ------------------------------------------------------------------------------

@router.post("/desk/settings/closures")
async def add_closure(request: Request) -> Response:
    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.add_closure(s, organisation=org, staff=me, day=_day(v["day"]), name=v["name"])
    return await _act(request, "closures", "add", {"day": 40, "name": 200}, act)


@router.post("/desk/settings/closures/{closure_id}/remove")
async def remove_closure(request: Request, closure_id: str) -> Response:
    target = path_id(closure_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await office.remove_closure(s, organisation=org, staff=me, closure_id=target)
    return await _act(request, "closures", f"remove-{target}", {}, act)


# --- published contacts (decision 0028) -----------------------------------------------------

@router.post("/desk/settings/contacts")
async def add_contact(request: Request) -> Response:
    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await published_contacts.add_contact(s, organisation=org, staff=me, value=v["value"],
                                                    department_id=_optional_id(v["department"], "department"))
    return await _act(request, "contacts", "add", {"value": 400, "department": 20}, act)


@router.post("/desk/settings/contacts/{contact_id}/remove")
async def remove_contact(request: Request, contact_id: str) -> Response:
    target = path_id(contact_id)

    async def act(s: AsyncSession, org: Account, me: Account, v: dict[str, str]) -> Any:
        return await published_contacts.remove_contact(s, organisation=org, staff=me, contact_id=target)
    return await _act(request, "contacts", f"remove-{target}", {}, act)
