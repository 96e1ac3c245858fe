"""Security keys (WebAuthn) on the web: adding and removing them on the two-factor settings
page, and using one instead of a code at the sign-in's second step. The browser's ceremony
needs JavaScript (`static/web/security_keys.js`): it asks these routes for options, lets the
key answer, and sends the answer in an ordinary form; without JavaScript the code still works."""

from __future__ import annotations

from typing import Any

from urllib.parse import urlsplit

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from madang.accounts import find_user_for_account
from madang.accounts.security_keys import (
    RelyingParty, add_security_key, authentication_options, check_security_key, registration_options,
    remove_security_key,
)
from madang.core.errors import Conflict, Invalid
from madang.models import User
from madang.web import i18n, two_factor_ticket
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.routes.two_factor import EXPIRED, _status_page, second_step
from madang.web.viewer import load_viewer

router = APIRouter()
KEY_REFUSED = N_("보안 키를 확인하지 못했습니다. 다시 해 보거나 인증 코드를 넣어 주세요.")
CREDENTIAL_MAX = 20_000


def relying_party(request: Request) -> RelyingParty:
    """This server by its configured address (never the request's Host header)."""
    settings = ctx(request).settings
    host = urlsplit(settings.base_url).hostname or "localhost"
    return RelyingParty(id=host, name=settings.instance_title or host, origin=settings.base_url)


def _json_error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/settings/two_factor/security_keys/options")
async def new_key_options(request: Request) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    try:
        async with ctx(request).db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            options = await registration_options(session, user=user, user_name=viewer.account.username,
                                                 display_name=viewer.account.display_name, rp=relying_party(request))
    except (Conflict, Invalid) as exc:
        return _json_error(describe(exc), 409 if isinstance(exc, Conflict) else 422)
    return Response(options, media_type="application/json", headers={"Cache-Control": "no-store"})


@router.post("/settings/two_factor/security_keys")
async def add_key(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    name = text_field(form, "name", limit=200)
    try:
        async with ctx(request).db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            await add_security_key(session, user=user, rp=relying_party(request), name=name,
                                   credential=text_field(form, "credential", limit=CREDENTIAL_MAX))
    except Invalid as exc:
        return await _status_page(request, status=422, errors={f"key_{exc.field or 'name'}": describe(exc)},
                                  values={"key_name": name})
    except Conflict:
        return redirect("/settings/two_factor")
    return redirect("/settings/two_factor", notice="security_key_added")


@router.post("/settings/two_factor/security_keys/{key_id}/delete")
async def remove_key(request: Request, key_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        user = await find_user_for_account(session, viewer.account.id)
        await remove_security_key(session, user=user, key_id=path_id(key_id))
    return redirect("/settings/two_factor", notice="security_key_removed")


@router.post("/auth/sign_in/security_key/options")
async def sign_in_options(request: Request) -> Response:
    await load_viewer(request)
    await checked_form(request)
    user_id = two_factor_ticket.user_id_of(request)
    if user_id is None:
        return _json_error(i18n.gettext_(EXPIRED), 401)
    async with ctx(request).db.write() as session:
        user = await session.get(User, user_id)
        options = None if user is None or user.disabled else \
            await authentication_options(session, user=user, rp=relying_party(request))
    if options is None:
        return _json_error(i18n.gettext_("등록한 보안 키가 없습니다."), 404)
    return Response(options, media_type="application/json", headers={"Cache-Control": "no-store"})


@router.post("/auth/sign_in/security_key")
async def sign_in_with_key(request: Request) -> Response:
    """The second step with a security key: the same throttle and session as a code."""
    async def verify(session: Any, user: User, form: Any) -> None:
        await check_security_key(session, user=user, rp=relying_party(request),
                                 credential=text_field(form, "credential", limit=CREDENTIAL_MAX))

    return await second_step(request, verify, wrong=KEY_REFUSED)
