"""The desk's web form (`/desk/new`): a citizen, signed in or a guest with an e-mail address,
writes a question to the city; the answer page is their receipt.

A category (an Open311 service) asks for its attributes and a location, as Open311 does. The
form works in two steps without JavaScript (choose the category, then fill in what it asks;
the "분류 선택" button re-renders the form with everything typed so far); with htmx the
attribute fields are swapped in as soon as the category changes."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from madang.auth.throttle import LoginThrottle
from madang.core.errors import Forbidden, Invalid, NotFound, RateLimited
from madang.desk.guest_links import guest_path
from madang.desk.organisations import list_departments
from madang.desk.queries import desk_organisations
from madang.desk.services import list_services
from madang.desk.web_intake import TEXT_LIMIT, submit_web_form
from madang.models import Account
from madang.models.open311 import Service
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import gettext_
from madang.web.routes.common import ctx, redirect, site_of
from madang.web.routes.desk_common import kind_choices, say
from madang.web.templating import render
from madang.web.uploads import store_form_photo, uploaded_file
from madang.web.viewer import load_viewer

router = APIRouter()
FIELDS = ("organisation", "kind", "category", "department", "description", "email", "name", "phone",
          "address", "lat", "long", "photo")
GUEST_FORMS = 5  # per address and 5 minutes: a person writes one or two; a script is slowed down
# Per account and 5 minutes: a signed-in citizen has no reason to open more cases than a guest
# (issue 13: ten long forms in a row slowed a staff inbox to 3 s).
ACCOUNT_FORMS = 5


def _throttle(request: Request, signed_in: bool = False) -> LoginThrottle:
    extras = ctx(request).extras
    name = "desk_account_throttle" if signed_in else "desk_guest_throttle"
    if name not in extras:
        extras[name] = LoginThrottle(ACCOUNT_FORMS if signed_in else GUEST_FORMS)
    return extras[name]


async def _choices(request: Request) -> list[dict]:
    async with ctx(request).db.read() as session:
        organisations = await desk_organisations(session)
        services = await list_services(session)  # running ones only, in the office's order
        return [{"username": o.username, "name": o.display_name or o.username,
                 "departments": [(str(d.id), d.name) for d in await list_departments(session, organisation_id=o.id)],
                 "categories": [(s.service_code, s.name) for s in services if s.organisation_id == o.id]}
                for o in organisations]


async def _attributes(request: Request, organisation: str, category: str) -> list[dict[str, Any]]:
    """The chosen category's attribute definitions (none when no category or an unknown one)."""
    if not organisation or not category:
        return []
    async with ctx(request).db.read() as session:
        service = await session.scalar(
            select(Service).join(Account, Account.id == Service.organisation_id)
            .where(Account.username == organisation, Service.service_code == category, Service.active.is_(True)))
        return list(service.attributes) if service is not None else []


def _attribute_values(form: Any, definitions: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for definition in definitions:
        name = f"attribute[{definition['code']}]"
        if definition["datatype"] == "multivaluelist":
            out[definition["code"]] = [v for v in form.getlist(name)[:50] if isinstance(v, str)]
        else:
            out[definition["code"]] = text_field(form, name, limit=TEXT_LIMIT * 2)
    return out


async def _form(request: Request, *, values: dict[str, str], errors: dict[str, str], status: int = 200,
                attributes: dict[str, Any] | None = None) -> Response:
    organisations = await _choices(request)
    if not values.get("organisation") and organisations:
        values["organisation"] = organisations[0]["username"]
    definitions = await _attributes(request, values.get("organisation", ""), values.get("category", ""))
    return render(request, "web/desk_new.html", status=status, values=values, errors=errors,
                  organisations=organisations, kinds=kind_choices(), limit=TEXT_LIMIT,
                  definitions=definitions, attribute_values=attributes or {})


@router.get("/desk/new")
async def new_case_page(request: Request) -> Response:
    await load_viewer(request)
    wanted = (request.query_params.get("org") or "")[:64].lstrip("@")
    category = (request.query_params.get("category") or "")[:50]
    return await _form(request, values={"organisation": wanted, "kind": "other", "category": category}, errors={})


@router.get("/desk/new/attributes")
async def attribute_fields(request: Request) -> Response:
    """The attribute fields of a category, for htmx to swap into the form when it changes."""
    await load_viewer(request)
    organisation = (request.query_params.get("organisation") or "")[:64]
    category = (request.query_params.get("category") or "")[:50]
    return render(request, "web/_desk_attributes.html", definitions=await _attributes(request, organisation, category),
                  attribute_values={}, errors={})


@router.post("/desk/new")
async def submit_case(request: Request) -> Response:
    viewer = await load_viewer(request)
    form = await checked_form(request)
    values = {name: text_field(form, name, limit=TEXT_LIMIT * 2 if name == "description" else 400) for name in FIELDS}
    definitions = await _attributes(request, values["organisation"], values["category"])
    attributes = _attribute_values(form, definitions)
    if text_field(form, "step", limit=20) == "category":
        # The no-JavaScript path: the category was chosen; show the fields it asks for.
        return await _form(request, values=values, errors={}, attributes=attributes)
    if viewer is None:
        keys = (f"desk-guest-ip:{request.client.host if request.client else '-'}",)
    else:
        keys = (f"desk-account:{viewer.account.id}",)
    photo = uploaded_file(form, "photo")
    settings = ctx(request).settings
    try:
        _throttle(request, viewer is not None).check(*keys)
        async with AsyncExitStack() as stack:
            stored = await store_form_photo(stack, request, photo)
            async with ctx(request).db.write() as session:
                case = await submit_web_form(
                    session, site=site_of(request), secret_key=settings.secret_key,
                    organisation=values["organisation"], kind=values["kind"], description=values["description"],
                    department=values["department"], category=values["category"],
                    citizen=viewer.account if viewer else None,
                    guest_email=values["email"], guest_name=values["name"], guest_phone=values["phone"],
                    attributes=attributes, address=values["address"], lat=values["lat"], long=values["long"],
                    photo=(stored.file_key, stored.small_key) if stored else None)
                case_id = case.id
                link = guest_path(settings.secret_key, case) if viewer is None else None
    except RateLimited:
        return await _form(request, values=values, status=429, attributes=attributes, errors={
            "form": gettext_("짧은 시간에 너무 많이 보냈습니다. 몇 분 뒤에 다시 보내 주세요.")})
    except (Invalid, NotFound, Forbidden) as exc:
        field = getattr(exc, "field", None) or "form"
        if field == "lat" or field == "long":
            field = "location"
        elif field == "file":
            field = "photo"
        elif not (field in FIELDS or field.startswith("attribute[")):
            field = "form"
        return await _form(request, values=values, errors={field: say(exc)}, status=422, attributes=attributes)
    _throttle(request, viewer is not None).failed(*keys)  # counts the sent forms, not failures
    if viewer is None:
        return redirect(f"{link}", notice="desk_received")
    return redirect(f"/desk/my/{case_id}", notice="desk_received")
