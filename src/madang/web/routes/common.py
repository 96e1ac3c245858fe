"""Helpers every web route uses: who is signed in, redirects, page cursors."""

from __future__ import annotations

import secrets
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from madang.accounts.two_factor import setup_required as two_factor_setup_required
from madang.core.ids import parse_id_text
from madang.db.paging import Page
from madang.moderation.instance_settings import live_settings
from madang.runtime import AppContext, ctx_of
from madang.statuses.create import Site
from madang.web.i18n import N_
from madang.web.problems import SignInRequired, TwoFactorSetupRequired, WebProblem
from madang.web.viewer import Viewer, load_viewer

PAGE_SIZE = 20


def ctx(request: Request) -> AppContext:
    return ctx_of(request)


STAFF_AREAS = ("/desk", "/office", "/admin")


async def signed_in(request: Request) -> Viewer:
    viewer = await load_viewer(request)
    if viewer is None:
        raise SignInRequired()
    if request.url.path.startswith(STAFF_AREAS):
        c = ctx(request)
        required = live_settings(c.extras, c.db, c.settings).info.require_two_factor_staff
        if required:  # one lookup, and only on staff pages of an instance that asks it
            async with c.db.read() as session:
                if await two_factor_setup_required(session, account_id=viewer.account.id, required=required):
                    raise TwoFactorSetupRequired()
    return viewer


def site_of(request: Request) -> Site:
    return Site.of(ctx(request).settings)


def safe_next(value: object, default: str = "/home") -> str:
    """Only a path on this site: never `//evil.example` or `https://…` (open redirects)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query: before any ``#fragment``, where a browser
    reads a query (after it, the query is part of the fragment and the page never sees it)."""
    path, hash_, fragment = url.partition("#")
    path += ("&" if "?" in path else "?") + urlencode(params)
    return path + hash_ + fragment


def redirect(url: str, *, notice: str | None = None) -> RedirectResponse:
    if notice:
        url = with_query(url, notice=notice)
    return RedirectResponse(url, status_code=303)


def sign_in_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/auth/sign_in?next=" + quote(here, safe="")


def id_param(request: Request, name: str) -> int | None:
    """A snowflake from the query string; anything else is a 400, never a 500."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    number = parse_id_text(value)
    if number is None:  # 19 nines pass a length check and overflow the database's integer
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    return number


def page_of(request: Request, limit: int = PAGE_SIZE) -> Page:
    return Page(max_id=id_param(request, "max_id"), limit=limit)


def path_id(value: str) -> int:
    number = parse_id_text(value)
    if number is None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return number


def new_form_key() -> str:
    """Sent with a composer form and used as its Idempotency-Key: a double submit posts once."""
    return secrets.token_urlsafe(16)
