"""Who is signed in to the web pages: the session cookie, resolved to an account once a request."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from madang.announcements import active_announcements, none_active
from madang.accounts import find_account
from madang.accounts.queries import find_user_for_account
from madang.auth.tokens import digest
from madang.auth.web_sessions import find_web_session
from madang.db.replicas import act_as
from madang.desk.queries import memberships
from madang.models import Account, User
from madang.notifications.queries import count_unread
from madang.runtime import ctx_of
from madang.web import i18n

SESSION_COOKIE = "madang_session"
LANG_COOKIE = "madang_lang"
SESSION_DAYS = 30
UNREAD_CAP = 100


@dataclass
class Viewer:
    account: Account
    user: User
    token_id: int
    token_hash: str
    desk_staff: bool = False  # works at an organisation's 민원 desk: the nav links the inbox


def _cache_key(token_hash: str) -> str:
    # The API caches its own kind of entry under the bare digest of the same secret.
    return "web:" + token_hash


async def load_viewer(request: Request) -> Viewer | None:
    """The signed-in viewer, or None; also fixes the language of this request's page."""
    if hasattr(request.state, "viewer"):
        if request.state.viewer is not None:
            act_as(request.state.viewer.account.id)  # read-your-writes with a replica (db.replicas)
        return request.state.viewer
    viewer = await _resolve(request)
    request.state.viewer = viewer
    if viewer is not None:
        act_as(viewer.account.id)  # read-your-writes with a replica (db.replicas)
    if viewer is not None and viewer.desk_staff:
        request.state.desk_staff = True
    if viewer is not None and request.method == "GET" and not request.headers.get("hx-request"):
        # The nav's unread badge, on every page (without JavaScript too); at most 100 counted.
        db = ctx_of(request).db
        async with db.read() as session:
            request.state.unread_notifications = await count_unread(
                session, account_id=viewer.account.id, cap=UNREAD_CAP)
            # The banner of the viewer's undismissed announcements: no query while the
            # process knows none is active.
            if not none_active(db.session_info):
                request.state.announcements = await active_announcements(
                    session, account_id=viewer.account.id, with_dismissed=False, info=db.session_info)
    if viewer is not None and viewer.user.locale in i18n.AVAILABLE:
        i18n.set_locale(viewer.user.locale)
    elif request.cookies.get(LANG_COOKIE) in i18n.AVAILABLE:
        i18n.set_locale(request.cookies[LANG_COOKIE])
    else:
        i18n.set_locale(i18n.negotiate(request.headers.get("accept-language")))
    return viewer


async def _resolve(request: Request) -> Viewer | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret or len(secret) > 200:
        return None
    ctx = ctx_of(request)
    key = _cache_key(digest(secret))
    hit = ctx.token_cache.get(key)
    if hit is not None:
        return hit
    async with ctx.db.read() as session:
        token = await find_web_session(session, secret)
        if token is None or token.account_id is None:
            return None
        account = await find_account(session, token.account_id)
        user = await find_user_for_account(session, token.account_id)
        staff = bool(account and await memberships(session, account=account))
    if account is None or user is None or account.suspended_at is not None or user.disabled:
        return None
    viewer = Viewer(account=account, user=user, token_id=token.id, token_hash=token.token_hash, desk_staff=staff)
    ctx.token_cache.put(key, viewer)
    return viewer


def forget_viewer(request: Request, token_hash: str) -> None:
    """Drop a session from this process's cache (sign-out, revoked session, changed profile)."""
    cache = ctx_of(request).token_cache
    cache.forget(_cache_key(token_hash))
    cache.forget(token_hash)


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(SESSION_COOKIE, secret, max_age=SESSION_DAYS * 86400, httponly=True, samesite="lax",
                        secure=is_https(request), path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


def is_https(request: Request) -> bool:
    """Secure cookies behind HTTPS: the request's own scheme (uvicorn honours a trusted
    proxy's X-Forwarded-Proto) or an instance configured with an https base URL."""
    return request.url.scheme == "https" or ctx_of(request).settings.scheme == "https"
