"""Writing a post: the composer page and the plain form it posts (works without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.auth.web_sessions import web_application
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.statuses.create import Site, create_status
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, new_form_key, redirect, safe_next, signed_in
from madang.web.templating import render

router = APIRouter()
VISIBILITIES = ("public", "unlisted", "private", "direct")


def site_of(request: Request) -> Site:
    s = ctx(request).settings
    return Site(base_url=s.base_url, domain=s.public_host, max_characters=s.max_characters,
                default_language=s.default_language, time_zone=s.time_zone)


@router.get("/compose")
async def compose_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return render(request, "web/compose.html", draft="", draft_error=None, visibility=viewer.user.default_visibility,
                  form_key=new_form_key(), in_reply_to=None, next="/home")


@router.post("/statuses")
async def post_status(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    text = text_field(form, "status", limit=20_000)
    visibility = text_field(form, "visibility") or viewer.user.default_visibility
    reply_to = text_field(form, "in_reply_to_id")
    next_url = safe_next(form.get("next"))
    try:
        if visibility not in VISIBILITIES:
            raise Invalid("Visibility must be one of public, unlisted, private, direct", field="visibility")
        if reply_to and not reply_to.isdigit():
            raise NotFound("Record not found")
        async with ctx(request).db.write() as session:
            app = await web_application(session)
            await create_status(
                session, site=site_of(request), author=viewer.account, text=text,
                spoiler_text=text_field(form, "spoiler_text", limit=1000), visibility=visibility,
                in_reply_to_id=int(reply_to) if reply_to else None, application_id=app.id,
                idempotency_key=("web:" + text_field(form, "form_key", limit=64)) if form.get("form_key") else None,
                default_visibility=viewer.user.default_visibility)
    except (Invalid, NotFound, Forbidden) as exc:
        return render(request, "web/compose.html", status=422, draft=text, draft_error=describe(exc),
                      visibility=visibility if visibility in VISIBILITIES else "public", form_key=new_form_key(),
                      in_reply_to=reply_to or None, next=next_url)
    return redirect(next_url, notice="posted")
