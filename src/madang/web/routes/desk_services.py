"""The office's Open311 services on the web (office admins only): the 민원 categories citizens and
Open311 apps choose from. A list with the add form, an edit page per service, and buttons to retire,
restore and reorder. Attributes are edited without JavaScript: one fieldset per attribute, an empty
one to add, a checkbox to remove, and the button "속성 칸 추가" that shows the form again with one
more empty fieldset without saving."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.queries import get_accounts
from madang.web.i18n import N_, gettext_
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk import office, service_admin
from madang.desk.organisations import list_departments
from madang.models import Account
from madang.models.open311 import DATATYPES, Service
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.core.ids import parse_id_text

router = APIRouter()
BASE = "/desk/settings/services"
FIELDS = {"service_code": 100, "name": 200, "description": 4000, "department": 20, "keywords": 600,
          "group": 200, "notice": 2000}
ROW_FIELDS = {"code": 100, "datatype": 30, "description": 600, "datatype_description": 600, "order": 10,
              "values": 20_000}
ROWS_LIMIT = service_admin.ATTRIBUTES_LIMIT + 5  # a few more than allowed, so the domain says why


def _url(org: str | None, code: str | None = None) -> str:
    return BASE + (f"/{quote(code, safe='')}" if code else "") + (f"?org={quote(org)}" if org else "")


def _org_of(request: Request) -> str | None:
    org = request.query_params.get("org")
    return org[:40] if org else None


# --- the attribute rows of a form ----------------------------------------------------------


def _blank_row() -> dict[str, Any]:
    return {"code": "", "datatype": "string", "required": False, "description": "", "datatype_description": "",
            "order": "", "values": "", "remove": False}


def _rows_of(service: Service) -> list[dict[str, Any]]:
    return [{"code": a["code"], "datatype": a["datatype"], "required": a["required"],
             "description": a["description"], "datatype_description": a.get("datatype_description") or "",
             "order": str(a["order"]), "values": "\n".join(f"{v['key']}={v['name']}" for v in a["values"]),
             "remove": False} for a in service.attributes]


def _read_rows(form: FormData) -> list[dict[str, Any]]:
    count = text_field(form, "attr_rows", limit=3)
    rows = []
    for i in range(min(int(count) if count.isascii() and count.isdigit() and len(count) < 6 else 0, ROWS_LIMIT)):
        row = {name: text_field(form, f"a{i}-{name}", limit=limit) for name, limit in ROW_FIELDS.items()}
        row["required"] = bool(form.get(f"a{i}-required"))
        row["remove"] = bool(form.get(f"a{i}-remove"))
        rows.append(row)
    return rows


def _wanted(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows to save (not removed, not left empty) and, for each, its number on the form."""
    kept, numbers = [], []
    for i, row in enumerate(rows):
        if row["remove"] or not (row["code"].strip() or row["description"].strip() or row["values"].strip()):
            continue
        kept.append({k: row[k] for k in ("code", "datatype", "required", "description", "datatype_description",
                                          "order", "values")})
        numbers.append(i)
    return kept, numbers


def _error_key(field: str | None, numbers: list[int], names: set[str]) -> str:
    """``attributes.2.values`` (the third saved row) -> ``a4-values`` (its fieldset on the form)."""
    if field and field.startswith("attributes."):
        _, index, part = (field.split(".") + ["", ""])[:3]
        if index.isascii() and index.isdigit() and len(index) < 6 and int(index) < len(numbers):
            return f"a{numbers[int(index)]}-{part}"
    if field in names or field == "attributes":
        return field
    return "form"


# --- pages ---------------------------------------------------------------------------------

CHANGE_LABELS = {"added": N_("추가"), "edited": N_("수정"), "retired": N_("운영 중지"), "restored": N_("다시 운영"),
                 "moved_up": N_("위로 옮김"), "moved_down": N_("아래로 옮김")}


async def _page(request: Request, viewer: Viewer, *, org_name: str | None, code: str | None = None,
                values: dict[str, str] | None = None, rows: list[dict[str, Any]] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """The list with the add form (``code`` None), or one service's edit page."""
    async with ctx(request).db.read() as session:
        org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
        departments = await list_departments(session, organisation_id=org.id, include_inactive=True)
        history, actors = [], {}
        if code is None:
            services = await service_admin.list_org_services(session, organisation=org, staff=viewer.account)
            service = None
        else:
            service = await service_admin.get_org_service(session, organisation=org, staff=viewer.account,
                                                          service_code=code)
            services = []
            history = await service_admin.service_history(session, organisation=org, staff=viewer.account,
                                                          service_code=code)
            actors = await get_accounts(session, {h.actor_id for h in history if h.actor_id})
    if rows is None:
        rows = _rows_of(service) if service is not None else []
    if not rows or any(rows[-1][k] for k in ("code", "description", "values")):
        rows = [*rows, _blank_row()]  # always an empty fieldset to add an attribute
    if service is not None and values is None:
        values = {"name": service.name, "description": service.description, "keywords": service.keywords,
                  "group": service.group, "notice": service.notice,
                  "department": str(service.department_id or "")}
    return render(request, "web/desk_settings_services_edit.html" if service else "web/desk_settings_services.html",
                  status=status, org=org, org_name=org_name, section="services", service=service,
                  services=services, departments=departments,
                  department_names={d.id: d.name for d in departments}, datatypes=DATATYPES,
                  values=values or {}, rows=rows, errors=errors or {},
                  history=[{"at": h.at, "action": gettext_(CHANGE_LABELS.get(h.action, h.action)),
                            "who": (actors[h.actor_id].display_name or actors[h.actor_id].username)
                            if h.actor_id in actors else "", "changed": ", ".join(h.changed or [])}
                           for h in history])


@router.get(BASE)
async def services_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return await _page(request, viewer, org_name=_org_of(request))


@router.get(BASE + "/{code}")
async def service_page(request: Request, code: str) -> Response:
    viewer = await signed_in(request)
    return await _page(request, viewer, org_name=_org_of(request), code=code[:60])


async def _save(request: Request, code: str | None) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = text_field(form, "org", limit=40) or None
    values = {name: text_field(form, name, limit=limit) for name, limit in FIELDS.items()}
    rows = _read_rows(form)
    if form.get("more_rows"):  # "속성 칸 추가": the same form again, one more empty fieldset, nothing saved
        return await _page(request, viewer, org_name=org_name, code=code, values=values,
                           rows=[*rows, _blank_row()])
    attributes, numbers = _wanted(rows)
    department = values["department"]
    try:
        async with ctx(request).db.write() as session:
            org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
            if department and parse_id_text(department) is None:
                raise Invalid("부서를 목록에서 골라 주세요", field="department")
            fields: dict[str, Any] = {
                "name": values["name"], "description": values["description"], "keywords": values["keywords"],
                "group": values["group"], "notice": values["notice"],
                "department_id": int(department) if department else None, "attributes": attributes}
            if code is None:
                saved = await service_admin.create_service(session, organisation=org, staff=viewer.account,
                                                           service_code=values["service_code"], **fields)
            else:
                saved = await service_admin.update_service(session, organisation=org, staff=viewer.account,
                                                           service_code=code, **fields)
            saved_code = saved.service_code
    except (Invalid, Conflict, NotFound) as exc:
        if code is not None and isinstance(exc, NotFound) and exc.field == "service_code":
            raise
        key = _error_key(exc.field, numbers, set(FIELDS))
        return await _page(request, viewer, org_name=org_name, code=code, values=values, rows=rows,
                           errors={key: describe(exc)}, status=422)
    return redirect(_url(org_name, saved_code if code is None else None), notice="desk_saved")


@router.post(BASE)
async def add_service(request: Request) -> Response:
    return await _save(request, None)


@router.post(BASE + "/{code}")
async def edit_service(request: Request, code: str) -> Response:
    return await _save(request, code[:60])


async def _act(request: Request, code: str, action: str) -> Response:
    """Retire, restore or move from the list: a refusal is shown on the list, next to the row."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = text_field(form, "org", limit=40) or None
    direction = text_field(form, "direction", limit=10)

    async def run(session: AsyncSession, org: Account) -> Any:
        if action == "move":
            return await service_admin.move_service(session, organisation=org, staff=viewer.account,
                                                    service_code=code, direction=direction)
        return await service_admin.set_service_active(session, organisation=org, staff=viewer.account,
                                                      service_code=code, active=action == "restore")
    try:
        async with ctx(request).db.write() as session:
            await run(session, await office.admin_desk(session, staff=viewer.account, organisation=org_name))
    except (Invalid, Conflict, NotFound) as exc:
        if isinstance(exc, NotFound) and exc.field == "service_code":
            raise
        return await _page(request, viewer, org_name=org_name,
                           errors={"row": describe(exc), "_form": f"{action}-{code}"}, status=422)
    # No #fragment: `redirect` appends the notice to the URL's end.
    return redirect(_url(org_name), notice="desk_saved")


@router.post(BASE + "/{code}/retire")
async def retire_service(request: Request, code: str) -> Response:
    return await _act(request, code[:60], "retire")


@router.post(BASE + "/{code}/restore")
async def restore_service(request: Request, code: str) -> Response:
    return await _act(request, code[:60], "restore")


@router.post(BASE + "/{code}/move")
async def move_service(request: Request, code: str) -> Response:
    return await _act(request, code[:60], "move")
