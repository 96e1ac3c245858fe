"""Two-factor sign-in on the web: the code step after the password, and the settings page that
turns it on (a QR code for the authenticator app, then a first code), shows recovery codes
once, makes new ones, and turns it off (password and code)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts import find_user_for_account, get_account
from madang.accounts.two_factor import (
    Setup,
    begin_setup,
    check_code,
    confirm_setup,
    is_on,
    pending_setup,
    recovery_codes_left,
    regenerate_recovery_codes,
    turn_off,
)
from madang.auth.web_sessions import start_web_session
from madang.core.errors import Conflict, Invalid, RateLimited, Unauthorized
from madang.models import User
from madang.web import i18n, two_factor_ticket
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, safe_next, signed_in
from madang.web.routes.sessions import client_address, throttled_message
from madang.web.templating import render
from madang.web.viewer import load_viewer, set_session_cookie

router = APIRouter()
WRONG_CODE = N_("인증 코드가 맞지 않습니다. 앱에 보이는 6자리 숫자나 복구 코드를 넣어 주세요.")
EXPIRED = N_("로그인을 처음부터 다시 해 주세요. 비밀번호를 넣은 지 5분이 지났습니다.")


# --- the code step of signing in ---------------------------------------------------------

@router.get("/auth/sign_in/code")
async def code_page(request: Request) -> Response:
    await load_viewer(request)
    next_url = safe_next(request.query_params.get("next"))
    user_id = two_factor_ticket.user_id_of(request)
    if user_id is None:
        return redirect(f"/auth/sign_in?next={next_url}")
    return render(request, "web/sign_in_code.html", error=None, next=next_url,
                  has_keys=await _has_keys(request, user_id))


async def _has_keys(request: Request, user_id: int) -> bool:
    from madang.accounts.security_keys import list_security_keys

    async with ctx(request).db.read() as session:
        return bool(await list_security_keys(session, user_id))


@router.post("/auth/sign_in/code")
async def sign_in_with_code(request: Request) -> Response:
    async def verify(session: Any, user: User, form: Any) -> None:
        await check_code(session, user=user, secret_key=ctx(request).settings.secret_key,
                         code=text_field(form, "code", limit=60))

    return await second_step(request, verify, wrong=WRONG_CODE)


async def second_step(request: Request, verify: Callable[[Any, User, Any], Awaitable[None]], *,
                      wrong: str) -> Response:
    """The sign-in's second step, whatever the second factor (a code, or a security key through
    web.routes.security_keys): the password's ticket, one throttle per user across addresses,
    ``verify`` in the unit that starts the session, and the ticket gone once it is used."""
    await load_viewer(request)
    form = await checked_form(request)
    next_url = safe_next(form.get("next"))
    user_id = two_factor_ticket.user_id_of(request)
    if user_id is None:
        return render(request, "web/sign_in.html", status=401, login="", error=i18n.gettext_(EXPIRED), next=next_url)
    c = ctx(request)
    keys = (f"two-factor:{user_id}",)  # every address together: a stolen password gets few guesses
    throttle, address = c.login_throttle.sign_in, client_address(request)
    try:
        c.login_throttle.check(*keys)
        throttle.check(keys[0], address)
        async with c.db.write() as session:
            user = await session.get(User, user_id)
            if user is None or user.disabled:
                raise Unauthorized(wrong)
            await verify(session, user, form)
            account = await get_account(session, user.account_id)
            issued = await start_web_session(session, account=account, user_agent=request.headers.get("user-agent"))
    except Unauthorized:
        c.login_throttle.failed(*keys)
        throttle.failed(keys[0], address)
        return render(request, "web/sign_in_code.html", status=401, error=i18n.gettext_(wrong), next=next_url,
                      has_keys=await _has_keys(request, user_id))
    except RateLimited as exc:
        return render(request, "web/sign_in_code.html", status=429, error=throttled_message(exc), next=next_url,
                      has_keys=await _has_keys(request, user_id), headers={"Retry-After": str(exc.retry_after)})
    throttle.succeeded(keys[0], address)
    response = redirect(next_url)
    set_session_cookie(request, response, issued.token)
    two_factor_ticket.clear(request, response)
    return response


# --- settings ------------------------------------------------------------------------------

def _qr(setup: Setup) -> Markup:
    # An inline SVG (no script, no style attribute: the page's CSP holds); the page's own
    # colours do not reach it, so it stays dark on light for any camera.
    import segno  # at first use: with its XML writers ~1.5 MB resident that most processes never need

    svg = segno.make(setup.uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=False)
    return Markup(svg)  # noqa: S704 - segno's own markup from our own URI


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


async def _status_page(request: Request, *, status: int = 200, errors: dict[str, str] | None = None,
                       values: dict[str, str] | None = None) -> Response:
    from madang.accounts.security_keys import list_security_keys

    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        user = await find_user_for_account(session, viewer.account.id)
        on = await is_on(session, user.id)
        left = await recovery_codes_left(session, user.id) if on else 0
        keys = await list_security_keys(session, user.id) if on else []
    return render(request, "web/settings_two_factor.html", status=status, section="two_factor", on=on, left=left,
                  keys=keys, errors=errors or {}, values=values or {})


def _setup_page(request: Request, setup: Setup, *, status: int = 200, error: str | None = None) -> Response:
    return render(request, "web/settings_two_factor_setup.html", status=status, section="two_factor",
                  qr=_qr(setup), secret=_grouped(setup.secret), error=error)


def _label(request: Request, username: str) -> tuple[str, str]:
    settings = ctx(request).settings
    return settings.instance_title or settings.domain, f"{username}@{settings.domain}"


@router.get("/settings/two_factor")
async def two_factor_page(request: Request) -> Response:
    return await _status_page(request)


@router.post("/settings/two_factor/setup")
async def start_setup(request: Request) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    issuer, label = _label(request, viewer.account.username)
    try:
        async with ctx(request).db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            setup = await begin_setup(session, user=user, secret_key=ctx(request).settings.secret_key,
                                      issuer=issuer, label=label)
    except Conflict:
        return redirect("/settings/two_factor")
    return _setup_page(request, setup)


@router.post("/settings/two_factor/confirm")
async def finish_setup(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    c = ctx(request)
    issuer, label = _label(request, viewer.account.username)
    try:
        async with c.db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            codes = await confirm_setup(session, user=user, secret_key=c.settings.secret_key,
                                        code=text_field(form, "code", limit=60))
    except Conflict:
        return redirect("/settings/two_factor")
    except Invalid as exc:
        async with c.db.read() as session:
            user = await find_user_for_account(session, viewer.account.id)
            setup = await pending_setup(session, user=user, secret_key=c.settings.secret_key, issuer=issuer,
                                        label=label)
        if setup is None:
            return redirect("/settings/two_factor")
        return _setup_page(request, setup, status=422, error=describe(exc))
    return render(request, "web/settings_two_factor_codes.html", section="two_factor", codes=codes, new=True)


@router.post("/settings/two_factor/recovery_codes")
async def new_recovery_codes(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    c = ctx(request)
    try:
        async with c.db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            codes = await regenerate_recovery_codes(session, user=user, secret_key=c.settings.secret_key,
                                                    code=text_field(form, "code", limit=60))
    except (Unauthorized, Conflict):
        return await _status_page(request, status=422, errors={"codes_code": i18n.gettext_(WRONG_CODE)})
    return render(request, "web/settings_two_factor_codes.html", section="two_factor", codes=codes, new=False)


@router.post("/settings/two_factor/disable")
async def disable(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    c = ctx(request)
    keys = (f"password-change:{viewer.account.id}",)  # the password page's throttle: one guess budget
    try:
        c.login_throttle.check(*keys)
        async with c.db.write() as session:
            user = await find_user_for_account(session, viewer.account.id)
            await turn_off(session, user=user, secret_key=c.settings.secret_key,
                           password=text_field(form, "password", limit=1000), code=text_field(form, "code", limit=60))
    except Invalid as exc:
        c.login_throttle.failed(*keys)
        return await _status_page(request, status=422, errors={f"off_{exc.field or 'code'}": describe(exc)})
    except RateLimited as exc:
        return await _status_page(request, status=429, errors={"off_password": describe(exc)})
    except Conflict:
        pass  # already off (a second click, another tab): what was asked is so
    return redirect("/settings/two_factor", notice="two_factor_off")
