"""The desk's web form (`/desk/new`): a citizen, signed in or a guest with an e-mail address,
writes a question to the city; the answer page is their receipt."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.auth.throttle import LoginThrottle
from madang.core.errors import Forbidden, Invalid, NotFound, RateLimited
from madang.desk.guest_links import guest_path
from madang.desk.organisations import list_departments
from madang.desk.queries import desk_organisations
from madang.desk.services import list_services
from madang.desk.web_intake import TEXT_LIMIT, submit_web_form
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import gettext_
from madang.web.routes.common import ctx, redirect, site_of
from madang.web.routes.desk_common import kind_choices, say
from madang.web.templating import render
from madang.web.viewer import load_viewer

router = APIRouter()
FIELDS = ("organisation", "kind", "category", "department", "description", "email", "name", "phone")
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


async def _form(request: Request, *, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    organisations = await _choices(request)
    if not values.get("organisation") and organisations:
        values["organisation"] = organisations[0]["username"]
    return render(request, "web/desk_new.html", status=status, values=values, errors=errors,
                  organisations=organisations, kinds=kind_choices(), limit=TEXT_LIMIT)


@router.get("/desk/new")
async def new_case_page(request: Request) -> Response:
    await load_viewer(request)
    wanted = (request.query_params.get("org") or "")[:64].lstrip("@")
    return await _form(request, values={"organisation": wanted, "kind": "other"}, errors={})


@router.post("/desk/new")
async def submit_case(request: Request) -> Response:
    viewer = await load_viewer(request)
    form = await checked_form(request)
    values = {name: text_field(form, name, limit=TEXT_LIMIT * 2 if name == "description" else 400) for name in FIELDS}
    if viewer is None:
        keys = (f"desk-guest-ip:{request.client.host if request.client else '-'}",)
    else:
        keys = (f"desk-account:{viewer.account.id}",)
    try:
        _throttle(request, viewer is not None).check(*keys)
        async with ctx(request).db.write() as session:
            case = await submit_web_form(
                session, site=site_of(request), secret_key=ctx(request).settings.secret_key,
                organisation=values["organisation"], kind=values["kind"], description=values["description"],
                department=values["department"], category=values["category"],
                citizen=viewer.account if viewer else None,
                guest_email=values["email"], guest_name=values["name"], guest_phone=values["phone"])
            case_id = case.id
            link = guest_path(ctx(request).settings.secret_key, case) if viewer is None else None
    except RateLimited:
        return await _form(request, values=values, status=429, errors={
            "form": gettext_("짧은 시간에 너무 많이 보냈습니다. 몇 분 뒤에 다시 보내 주세요.")})
    except (Invalid, NotFound, Forbidden) as exc:
        field = exc.field if getattr(exc, "field", None) in FIELDS else "form"
        return await _form(request, values=values, errors={field: say(exc)}, status=422)
    _throttle(request, viewer is not None).failed(*keys)  # counts the sent forms, not failures
    if viewer is None:
        return redirect(f"{link}", notice="desk_received")
    return redirect(f"/desk/my/{case_id}", notice="desk_received")
