"""The short-lived proof that a browser got the password right and now owes the second factor:
a cookie with the user's id, an expiry and an HMAC under the instance's key. It opens nothing by
itself (the code step still needs a current code) and lasts five minutes."""

from __future__ import annotations

import hashlib
import hmac
import time

from starlette.requests import Request
from starlette.responses import Response

from madang.runtime import ctx_of
from madang.web.viewer import is_https

COOKIE = "madang_2fa"
LIFETIME = 300


def _mac(secret_key: str, body: str) -> str:
    return hmac.new(f"two-factor ticket:{secret_key}".encode(), body.encode(), hashlib.sha256).hexdigest()


def issue(request: Request, response: Response, user_id: int) -> None:
    body = f"{user_id}.{int(time.time()) + LIFETIME}"
    value = f"{body}.{_mac(ctx_of(request).settings.secret_key, body)}"
    response.set_cookie(COOKIE, value, max_age=LIFETIME, httponly=True, samesite="lax", secure=is_https(request),
                        path="/")


def user_id_of(request: Request) -> int | None:
    """The user the ticket was issued to, or None when missing, expired or forged."""
    parts = (request.cookies.get(COOKIE) or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _mac(ctx_of(request).settings.secret_key, body)):
        return None
    if int(parts[1]) < time.time():
        return None
    return int(parts[0])


def clear(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))
