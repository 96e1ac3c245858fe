"""GET/POST /oauth/authorize: the Korean consent page that Mastodon apps open."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse, Response

from madang.accounts import authenticate, get_account
from madang.auth.applications import OOB, find_application, redirect_uri_allowed
from madang.auth.tokens import create_authorization_code, requested_scopes
from madang.core.errors import Invalid, RateLimited, Unauthorized
from madang.runtime import ctx_of

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PASSED_ON = ("client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge",
             "code_challenge_method")


def _page(request: Request, status: int = 200, **context: object) -> Response:
    return templates.TemplateResponse(request, "oauth_authorize.html", context, status_code=status)


def _problem(message: str, status: int = 400) -> Response:
    return HTMLResponse(
        f'<!doctype html><html lang="ko"><meta charset="utf-8"><title>오류 — 마당</title>'
        f'<main><h1>요청을 처리할 수 없습니다</h1><p role="alert">{message}</p></main></html>',
        status_code=status,
    )


async def _checked(request: Request, values: dict[str, str]):  # type: ignore[no-untyped-def]
    async with ctx_of(request).db.read() as session:
        app = await find_application(session, values.get("client_id"))
    if app is None:
        return None, None, _problem("등록되지 않은 앱입니다 (client_id가 올바르지 않습니다).")
    if not redirect_uri_allowed(app, values.get("redirect_uri")):
        return None, None, _problem("redirect_uri가 앱에 등록된 주소와 다릅니다.")
    if values.get("response_type", "code") != "code":
        return None, None, _problem("response_type은 code만 지원합니다.")
    try:
        scopes = requested_scopes(app, values.get("scope"))
    except Invalid:
        return None, None, _problem("요청한 권한(scope)이 올바르지 않습니다.")
    if values.get("code_challenge") and values.get("code_challenge_method", "S256") != "S256":
        return None, None, _problem("code_challenge_method는 S256만 지원합니다.")
    return app, scopes, None


@router.get("/oauth/authorize")
async def authorize_page(request: Request) -> Response:
    values = {k: request.query_params[k] for k in PASSED_ON if k in request.query_params}
    app, scopes, problem = await _checked(request, values)
    if problem:
        return problem
    return _page(request, app_name=app.name, scopes=scopes, hidden=values, login="", error=None, code=None)


@router.post("/oauth/authorize")
async def authorize(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form[k]) for k in PASSED_ON if k in form}
    app, scopes, problem = await _checked(request, values)
    if problem:
        return problem
    redirect_uri = values["redirect_uri"]
    if form.get("decision") != "approve":
        if redirect_uri == OOB:
            return _problem("권한 요청을 거부했습니다.", 403)
        query = {"error": "access_denied", "error_description": "The resource owner denied the request."}
        if "state" in values:
            query["state"] = values["state"]
        return RedirectResponse(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}", 302)
    c = ctx_of(request)
    login = str(form.get("login", ""))
    keys = (f"ip:{request.client.host if request.client else '-'}", f"login:{login.lower()}")
    try:
        c.login_throttle.check(*keys)
        async with c.db.write() as session:
            try:
                user = await authenticate(session, login=login, password=str(form.get("password", "")))
            except Unauthorized:
                c.login_throttle.failed(*keys)
                raise
            c.login_throttle.succeeded(*keys)
            account = await get_account(session, user.account_id)
            code = await create_authorization_code(
                session, application=app, account=account, redirect_uri=redirect_uri, scopes=scopes,
                code_challenge=values.get("code_challenge"), code_challenge_method=values.get("code_challenge_method"),
            )
    except Unauthorized:
        return _page(request, 401, app_name=app.name, scopes=scopes, hidden=values, login=login,
                     error="아이디(또는 이메일)나 비밀번호가 맞지 않습니다.", code=None)
    except RateLimited:
        return _page(request, 429, app_name=app.name, scopes=scopes, hidden=values, login=login,
                     error="로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.", code=None)
    if redirect_uri == OOB:
        return _page(request, app_name=app.name, scopes=scopes, hidden={}, login="", error=None, code=code)
    query = {"code": code}
    if "state" in values:
        query["state"] = values["state"]
    return RedirectResponse(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}", 302)
