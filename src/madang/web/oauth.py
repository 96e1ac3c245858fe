"""GET/POST /oauth/authorize: the consent page that Mastodon apps open, on the web layout.

A person already signed in to the web approves as that account with one button (a
CSRF-protected form); otherwise the page asks for the login and password, as Mastodon's
does (apps and their tests post those fields straight to this URL, without a cookie)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from madang.accounts import get_account
from madang.accounts.confirmation import check_confirmed
from madang.accounts.two_factor import is_on as two_factor_on
from madang.auth.applications import OOB, find_application, redirect_uri_allowed
from madang.auth.tokens import create_authorization_code, requested_scopes
from madang.core.errors import Forbidden, Invalid, RateLimited, Unauthorized
from madang.models import Account, Application
from madang.runtime import ctx_of
from madang.web import i18n, two_factor_ticket
from madang.web.csrf import checked_form
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.scopes import describe_scopes
from madang.web.templating import render
from madang.web.routes.sessions import authenticate_throttled, client_address, throttled_message
from madang.web.viewer import load_viewer

router = APIRouter()
PASSED_ON = ("client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge",
             "code_challenge_method")
LOGIN_FAILED = N_("이메일(또는 사용자 이름)이나 비밀번호가 올바르지 않습니다.")


def _problem(request: Request, message: str, status: int = 400) -> Response:
    return render(request, "web/error.html", status=status, status_code=status, message=i18n.gettext_(message))


def _page(request: Request, app: Application, scopes: list[str], values: dict[str, str], *, status: int = 200,
          login: str = "", error: str | None = None, code: str | None = None,
          headers: dict[str, str] | None = None) -> Response:
    return render(request, "oauth_authorize.html", status=status, app_name=app.name,
                  scopes=describe_scopes(scopes), hidden=values, login=login, error=error, code=code,
                  headers=headers)


async def _checked(request: Request, values: dict[str, str]):  # type: ignore[no-untyped-def]
    async with ctx_of(request).db.read() as session:
        app = await find_application(session, values.get("client_id"))
    if app is None:
        return None, None, _problem(request, N_("등록되지 않은 앱입니다 (client_id가 올바르지 않습니다)."))
    if not redirect_uri_allowed(app, values.get("redirect_uri")):
        return None, None, _problem(request, N_("redirect_uri가 앱에 등록된 주소와 다릅니다."))
    if values.get("response_type", "code") != "code":
        return None, None, _problem(request, N_("response_type은 code만 지원합니다."))
    try:
        scopes = requested_scopes(app, values.get("scope"))
    except Invalid:
        return None, None, _problem(request, N_("요청한 권한(scope)이 올바르지 않습니다."))
    if values.get("code_challenge") and values.get("code_challenge_method", "S256") != "S256":
        return None, None, _problem(request, N_("code_challenge_method는 S256만 지원합니다."))
    return app, scopes, None


def _back_to_app(redirect_uri: str, query: dict[str, str]) -> Response:
    return RedirectResponse(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}", 302)


@router.get("/oauth/authorize")
async def authorize_page(request: Request) -> Response:
    await load_viewer(request)
    values = {k: request.query_params[k] for k in PASSED_ON if k in request.query_params}
    app, scopes, problem = await _checked(request, values)
    if problem:
        return problem
    return _page(request, app, scopes, values)


@router.post("/oauth/authorize")
async def authorize(request: Request) -> Response:
    viewer = await load_viewer(request)
    as_viewer = viewer is not None and (await request.form()).get("as_viewer") == "1"
    # Approving as the signed-in viewer rides on the session cookie: only with the form's
    # CSRF token. The password path proves intent by the password itself.
    form: FormData = await checked_form(request) if as_viewer else await request.form()
    values = {k: str(form[k]) for k in PASSED_ON if k in form}
    app, scopes, problem = await _checked(request, values)
    if problem:
        return problem
    redirect_uri = values["redirect_uri"]
    if form.get("decision") != "approve":
        if redirect_uri == OOB:
            return _problem(request, N_("권한 요청을 거부했습니다."), 403)
        query = {"error": "access_denied", "error_description": "The resource owner denied the request."}
        if "state" in values:
            query["state"] = values["state"]
        return _back_to_app(redirect_uri, query)
    c = ctx_of(request)
    login = str(form.get("login", ""))[:320]
    try:
        async with c.db.write() as session:
            if as_viewer:
                assert viewer is not None
                account = await get_account(session, viewer.account.id)
            else:
                account = await _sign_in(session, c, login, str(form.get("password", ""))[:1000], client_address(request))
            code = await create_authorization_code(
                session, application=app, account=account, redirect_uri=redirect_uri, scopes=scopes,
                code_challenge=values.get("code_challenge"), code_challenge_method=values.get("code_challenge_method"),
            )
    except TwoFactorNeeded as needed:
        # The password was right; the code is asked on the sign-in's code step, which then
        # brings the person back here signed in, to approve as the viewer.
        response = RedirectResponse("/auth/sign_in/code?" + urlencode(
            {"next": "/oauth/authorize?" + urlencode(values)}), 303)
        two_factor_ticket.issue(request, response, needed.user_id)
        return response
    except Unauthorized:
        return _page(request, app, scopes, values, status=401, login=login, error=i18n.gettext_(LOGIN_FAILED))
    except RateLimited as exc:
        return _page(request, app, scopes, values, status=429, login=login, error=throttled_message(exc),
                     headers={"Retry-After": str(exc.retry_after)})
    except Forbidden as exc:
        return _page(request, app, scopes, values, status=403, login=login, error=describe(exc))
    if redirect_uri == OOB:
        return _page(request, app, scopes, {}, code=code)
    query = {"code": code}
    if "state" in values:
        query["state"] = values["state"]
    return _back_to_app(redirect_uri, query)


async def _sign_in(session, c, login: str, password: str, address: str) -> Account:  # type: ignore[no-untyped-def]
    from madang.web.routes.passwords import confirmation_required

    user = await authenticate_throttled(session, c, login=login, password=password, address=address)
    if confirmation_required(c.settings):
        check_confirmed(user)
    if await two_factor_on(session, user.id):
        raise TwoFactorNeeded(user.id)
    return await get_account(session, user.account_id)


class TwoFactorNeeded(Exception):
    """The password was right and the account asks for a code too."""

    def __init__(self, user_id: int) -> None:
        super().__init__(user_id)
        self.user_id = user_id

