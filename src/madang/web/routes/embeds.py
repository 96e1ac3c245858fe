"""Pages made to be framed on other sites: one post (`/@user/ID/embed`, what oEmbed points at) and
the timeline widget (`/@user/embed`) a city homepage shows with static/web/embed.js.

They are read as a guest (a third-party frame carries no session worth trusting), the same for
every reader of a language, so shared caches may keep them for a minute. security.FRAMEABLE lets
exactly these paths be framed."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from madang.core.errors import NotFound
from madang.desk.queries import memberships
from madang.feeds.queries import (
    WIDGET_MAX,
    get_embeddable_status,
    get_feed_account,
    list_account_feed,
)
from madang.web import i18n
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, signed_in, site_of
from madang.web.routes.feeds import feed_links
from madang.web.templating import STATIC_VERSION, env, render
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_card

router = APIRouter()
WIDGET_DEFAULT = 10
THEMES = ("light", "dark")
MAX_AGE = 60


def _language(request: Request) -> None:
    """`?lang=en` from the snippet, else the reader's browser; Korean when neither says."""
    wanted = request.query_params.get("lang")
    i18n.set_locale(wanted if wanted in i18n.AVAILABLE else i18n.negotiate(request.headers.get("accept-language")))


def _theme(request: Request) -> str | None:
    theme = request.query_params.get("theme")
    return theme if theme in THEMES else None  # otherwise: the reader's system setting


def _page(request: Request, name: str, **context: Any) -> Response:
    settings = ctx(request).settings
    body = env.get_template(name).render(lang=i18n.current_locale(), site_title=settings.instance_title,
                                         time_zone=settings.time_zone, theme=_theme(request), **context)
    return HTMLResponse(body, headers={"Cache-Control": f"public, max-age={MAX_AGE}",
                                       "Vary": "Accept-Language, Accept-Encoding"})


def _limit(request: Request) -> int:
    value = request.query_params.get("limit")
    if value is None or value == "":
        return WIDGET_DEFAULT
    if not (value.isascii() and value.isdigit()) or len(value) > 4:
        raise WebProblem(400, N_("표시할 글 수는 1에서 40 사이의 숫자여야 합니다."))
    return max(1, min(int(value), WIDGET_MAX))


@router.get("/@{username}/{status_id:int}/embed")
async def status_embed(request: Request, username: str, status_id: int) -> Response:
    _language(request)
    async with ctx(request).db.read() as session:
        try:
            view = await get_embeddable_status(session, status_id=status_id, username=username.removeprefix("@"))
        except NotFound:
            raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    return _page(request, "web/embed_status.html", s=status_card(view))


@router.get("/@{username}/embed")
async def timeline_embed(request: Request, username: str) -> Response:
    _language(request)
    limit = _limit(request)
    async with ctx(request).db.read() as session:
        try:
            account = await get_feed_account(session, username)
        except NotFound:
            raise WebProblem(404, N_("찾을 수 없습니다.")) from None
        views = await list_account_feed(session, account=account, limit=limit)
    return _page(request, "web/embed_timeline.html", account=account_card(account),
                 statuses=[status_card(v) for v in views])


@router.get("/office/embed")
async def office_embed(request: Request) -> Response:
    """The code a homepage pastes: the widget snippet, a plain iframe, the feeds; for the viewer's
    own account and the organisations whose desk they work at (public posts only, nothing secret)."""
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        organisations = [m.organisation for m in await memberships(session, account=viewer.account)]
    choices = [account_card(a) for a in [*organisations, viewer.account]]
    wanted = request.query_params.get("account", "").removeprefix("@").lower()
    chosen = next((c for c in choices if c["username"].lower() == wanted), choices[0])
    base = site_of(request).base_url
    widget_src = f"{base}{chosen['url']}/embed"
    snippet = (f'<div class="madang-timeline" data-account="{chosen["username"]}"></div>\n'
               f'<script async src="{base}/static/web/embed.js?v={STATIC_VERSION}"></script>')
    title = escape(i18n.gettext_("%(name)s의 최근 글", name=chosen["name"]))
    iframe = (f'<iframe src="{widget_src}" title="{title}" width="400" height="600" '
              f'style="max-width: 100%; border: 0" loading="lazy"></iframe>')
    feeds = {kind: base + path for kind, path in feed_links(chosen["url"]).items()}
    return render(request, "web/office_embed.html", choices=choices, chosen=chosen, snippet=snippet,
                  iframe=iframe, feeds=feeds, preview=f"{chosen['url']}/embed?limit=3")
