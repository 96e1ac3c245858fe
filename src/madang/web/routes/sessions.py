"""Sign in, sign out, sign up, and the language of pages for a visitor."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts import authenticate, get_account
from madang.accounts.registration import EmailTaken, register_account, warn_owner_of_sign_up
from madang.accounts.confirmation import check_confirmed, send_confirmation
from madang.accounts.two_factor import is_on as two_factor_on
from madang.auth.web_sessions import end_web_session, start_web_session
from madang.core.errors import Conflict, Forbidden, Invalid, RateLimited, Unauthorized
from madang.models import User
from madang.runtime import AppContext
from madang.web import i18n, two_factor_ticket
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, redirect, safe_next, with_query
from madang.web.routes.passwords import confirmation_required
from madang.web.templating import render
from madang.web.viewer import (LANG_COOKIE, clear_session_cookie, forget_viewer, load_viewer,
                               set_session_cookie)

router = APIRouter()
LOGIN_FAILED = N_("이메일(또는 사용자 이름)이나 비밀번호가 올바르지 않습니다.")
SIGN_UP_REFUSED = N_("이 이메일 주소로는 가입할 수 없습니다. 이미 계정이 있다면 로그인하거나 비밀번호 찾기를 이용해 주세요.")
SIGN_UPS_THROTTLED = N_("이 주소에서 가입 시도가 너무 많습니다. 몇 분 뒤에 다시 시도해 주세요.")
LOGIN_THROTTLED = N_("로그인 시도가 너무 많습니다. %(n)s초 뒤에 다시 시도해 주세요.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def throttled_message(exc: RateLimited) -> str:
    return i18n.gettext_(LOGIN_THROTTLED, n=exc.retry_after)


async def authenticate_throttled(session: AsyncSession, c: AppContext, *, login: str, password: str,
                                 address: str) -> User:
    """The web's sign-ins (this page and the OAuth consent page) through the sign-in
    throttle: RateLimited while this login and address (or the address) must wait."""
    throttle = c.login_throttle.sign_in
    throttle.check(login, address)
    try:
        user = await authenticate(session, login=login, password=password)
    except Unauthorized:
        throttle.failed(login, address)
        raise
    throttle.succeeded(login, address)
    return user


@router.get("/auth/sign_in")
async def sign_in_page(request: Request) -> Response:
    viewer = await load_viewer(request)
    next_url = safe_next(request.query_params.get("next"))
    if viewer is not None:
        return redirect(next_url)
    return render(request, "web/sign_in.html", login="", error=None, next=next_url)


@router.post("/auth/sign_in")
async def sign_in(request: Request) -> Response:
    await load_viewer(request)
    form = await checked_form(request)
    login = text_field(form, "login", limit=320).strip()
    next_url = safe_next(form.get("next"))
    c = ctx(request)
    try:
        c.login_throttle.sign_in.check(login, client_address(request))
        async with c.db.write() as session:
            user = await authenticate_throttled(session, c, login=login, address=client_address(request),
                                                password=text_field(form, "password", limit=1000))
            if confirmation_required(c.settings):
                check_confirmed(user)  # after the password: a guesser learns nothing from it
            if await two_factor_on(session, user.id):
                issued = None  # the code comes first (web.routes.two_factor)
            else:
                account = await get_account(session, user.account_id)
                issued = await start_web_session(session, account=account,
                                                 user_agent=request.headers.get("user-agent"))
    except Unauthorized:
        # One message for an unknown login and a wrong password: nothing to enumerate.
        return render(request, "web/sign_in.html", status=401, login=login, error=i18n.gettext_(LOGIN_FAILED), next=next_url)
    except RateLimited as exc:
        return render(request, "web/sign_in.html", status=429, login=login, error=throttled_message(exc), next=next_url,
                      headers={"Retry-After": str(exc.retry_after)})
    except Forbidden as exc:
        return render(request, "web/sign_in.html", status=403, login=login, error=describe(exc), next=next_url)
    if issued is None:
        response = redirect(with_query("/auth/sign_in/code", next=next_url))
        two_factor_ticket.issue(request, response, user.id)
        return response
    response = redirect(next_url)
    set_session_cookie(request, response, issued.token)
    return response


@router.post("/auth/sign_out")
async def sign_out(request: Request) -> Response:
    viewer = await load_viewer(request)
    await checked_form(request)
    secret = request.cookies.get("madang_session")
    if viewer is not None and secret:
        async with ctx(request).db.write() as session:
            await end_web_session(session, secret)
        forget_viewer(request, viewer.token_hash)
    response = redirect("/", notice="signed_out")
    clear_session_cookie(request, response)
    return response


@router.get("/auth/sign_up")
async def sign_up_page(request: Request) -> Response:
    viewer = await load_viewer(request)
    if viewer is not None:
        return redirect("/home")
    if not ctx(request).settings.registrations_open:
        return render(request, "web/sign_up_closed.html", status=403)
    return render(request, "web/sign_up.html", values={}, errors={},
                  approval_required=ctx(request).settings.approval_required)


@router.post("/auth/sign_up")
async def sign_up(request: Request) -> Response:
    await load_viewer(request)
    c = ctx(request)
    if not c.settings.registrations_open:
        return render(request, "web/sign_up_closed.html", status=403)
    form = await checked_form(request)
    values = {name: text_field(form, name, limit=1000) for name in ("username", "email", "display_name")}
    values["reason"] = text_field(form, "reason", limit=2000)
    if not c.login_throttle.sign_up_attempts.allow(client_address(request)):
        return render(request, "web/sign_up.html", status=429, values=values,
                      errors={"form": i18n.gettext_(SIGN_UPS_THROTTLED)},
                      approval_required=c.settings.approval_required)
    password = text_field(form, "password", limit=1000)
    errors: dict[str, str] = {}
    if password != text_field(form, "password_confirmation", limit=1000):
        errors["password_confirmation"] = i18n.gettext_("비밀번호 확인이 일치하지 않습니다.")
    if form.get("agreement") != "1":
        errors["agreement"] = i18n.gettext_("서버 규칙에 동의해야 가입할 수 있습니다.")
    if not errors:
        try:
            async with c.db.write() as session:
                account, _user = await register_account(
                    session, username=values["username"].strip(), email=values["email"].strip(), password=password,
                    display_name=values["display_name"], locale=i18n.current_locale(), base_url=c.settings.base_url,
                    confirmed=not confirmation_required(c.settings),
                    approval_required=c.settings.approval_required, reason=values["reason"])
                if not _user.approved:  # registrations by approval: no session until an admin says yes
                    issued = None
                elif _user.confirmed_at is None:  # no session until the e-mailed link is opened
                    await send_confirmation(session, user=_user, account=account, base_url=c.settings.base_url,
                                            site_title=c.settings.instance_title)
                    issued = None
                else:
                    issued = await start_web_session(session, account=account,
                                                     user_agent=request.headers.get("user-agent"))
        except EmailTaken:
            taken = await _email_taken(request, values)
            if taken is not None:
                return taken
            errors["email"] = i18n.gettext_(SIGN_UP_REFUSED)
        except (Invalid, Conflict) as exc:
            errors[exc.field or "form"] = describe(exc)
    if errors:
        return render(request, "web/sign_up.html", status=422, values=values, errors=errors,
                      approval_required=c.settings.approval_required)
    if not _user.approved:
        return render(request, "web/report_sign_up_pending.html", username=account.username)
    if issued is None:
        return render(request, "web/password_confirmation.html", email=_user.email, error=None, pending=True)
    response = redirect("/home", notice="welcome")
    set_session_cookie(request, response, issued.token)
    return response


async def _email_taken(request: Request, values: dict[str, str]) -> Response | None:
    """A sign-up with a registered address: the page a new sign-up would get (its owner is
    e-mailed instead), or None where a new sign-up signs in at once and cannot be mimicked."""
    c = ctx(request)
    email = values["email"].strip().lower()
    if c.settings.smtp_url:
        await notify_owner(c, email)
    if c.settings.approval_required:
        return render(request, "web/report_sign_up_pending.html", username=values["username"].strip())
    if confirmation_required(c.settings):
        return render(request, "web/password_confirmation.html", email=email, error=None, pending=True)
    return None


async def notify_owner(c: AppContext, email: str) -> None:
    if c.login_throttle.sign_up_notices.allow(email):  # no mail-bombing the owner through this form
        async with c.db.write() as session:
            await warn_owner_of_sign_up(session, email=email, base_url=c.settings.base_url,
                                        site_title=c.settings.instance_title)


@router.get("/lang/{code}")
async def choose_language(request: Request, code: str) -> Response:
    """A visitor's choice of language (a signed-in citizen's lives in their settings)."""
    if code not in i18n.AVAILABLE:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    response = redirect(safe_next(request.query_params.get("next"), "/"))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response
