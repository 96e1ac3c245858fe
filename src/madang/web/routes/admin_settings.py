"""The instance's settings (admins only): name, descriptions, rules, contact, logo, character
limit and how sign-ups work; saved ones apply in this process at once (admin_common)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.media.profile_images import stored_profile_image
from madang.moderation.instance_settings import MAX_CHARACTERS_RANGE, InstanceInfo, SettingsForm, \
    update_instance_settings
from madang.models.moderation_admin import REGISTRATION_MODES
from madang.web.uploads import upload_size, uploaded_file
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer, live
from madang.web.routes.common import ctx, redirect
from madang.web.uploads import media_store
from madang.web.templating import render

router = APIRouter()
FIELDS = {"title": 1000, "short_description": 5000, "description": 50_000, "contact_email": 1000,
          "contact_username": 1000, "rules_text": 50_000, "max_characters": 20, "registrations_mode": 20}


def _values(info: InstanceInfo) -> dict[str, Any]:
    return {"title": info.title, "short_description": info.short_description, "description": info.description,
            "contact_email": info.contact_email, "contact_username": info.contact_username,
            "rules_text": "\n".join(rule.text for rule in info.rules), "max_characters": str(info.max_characters),
            "registrations_mode": info.registrations_mode, "require_two_factor_staff": info.require_two_factor_staff}


def _page(request: Request, info: InstanceInfo, values: dict[str, Any], errors: dict[str, str],
          status: int = 200) -> Response:
    return render(request, "web/admin_settings.html", status=status, section="settings", info=info, values=values,
                  errors=errors, modes=REGISTRATION_MODES, limits=MAX_CHARACTERS_RANGE)


@router.get("/admin/settings")
async def settings_page(request: Request) -> Response:
    await admin_viewer(request)
    info = await live(request).refresh()
    return _page(request, info, _values(info), {})




@router.post("/admin/settings")
async def save_settings(request: Request) -> Response:
    viewer = await admin_viewer(request)
    form = await checked_form(request)
    values = {name: text_field(form, name, limit=limit) for name, limit in FIELDS.items()}
    current = live(request)
    settings, store, logo = ctx(request).settings, media_store(request), uploaded_file(form, "logo")
    try:
        async with (
            stored_profile_image(store, logo.file if logo else None, kind="avatar", size=upload_size(logo),
                                 max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels) as key,
            ctx(request).db.write() as session,
        ):
            info = await update_instance_settings(
                session, actor=viewer.account, defaults=current.defaults, store=store,
                form=SettingsForm(**values, logo_path=key, remove_logo=form.get("remove_logo") == "1",
                                  require_two_factor_staff=form.get("require_two_factor_staff") == "1"))
    except Invalid as exc:
        field = "logo" if exc.field == "avatar" else exc.field if exc.field in {*values, "rules"} else "form"
        values["require_two_factor_staff"] = form.get("require_two_factor_staff") == "1"
        return _page(request, current.info, values, {"rules_text" if field == "rules" else field: describe(exc)},
                     status=422)
    current.use(info)  # this process at once; the others within their refresh interval
    return redirect("/admin/settings", notice="saved")
