"""CSRF protection for every form: a random token in a cookie that the form must echo.

The double-submit pattern needs no server state and works before sign-in (the sign-in and
sign-up forms are protected too). htmx requests send the token in ``X-CSRF-Token``."""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang.web.i18n import N_
from madang.web.problems import WebProblem

CSRF_COOKIE = "madang_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# Forms carry photos; anything larger than this is refused before it is read whole.
MAX_FORM_BYTES = 20 * 1024 * 1024


def csrf_token(request: Request) -> str:
    token = getattr(request.state, "csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or len(token) != 43:
            token = secrets.token_urlsafe(32)
            request.state.csrf_new = True
        request.state.csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_new", False):
        from madang.web.viewer import is_https

        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="lax",
                            secure=is_https(request), path="/")


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the cookie; 403 otherwise."""
    length = request.headers.get("content-length")
    if length and length.isascii() and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise WebProblem(413, N_("보낸 내용이 너무 큽니다."))
    try:
        form = await request.form(max_files=8, max_fields=200)
    except Exception as exc:  # malformed multipart or urlencoded bodies
        raise WebProblem(400, N_("양식을 읽을 수 없습니다. 다시 시도해 주세요.")) from exc
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise WebProblem(403, N_("보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."))
    return form


def text_field(form: FormData, name: str, *, limit: int = 10_000) -> str:
    """A text field, '' when missing; a file where text was expected counts as missing."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value[:limit]
