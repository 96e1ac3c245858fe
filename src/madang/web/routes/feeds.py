"""RSS and Atom feeds of a profile (`/@anyanglove.rss`) and of a tag (`/tags/안양.atom`), as Mastodon
serves them: the 20 newest public posts, cached briefly by anyone (they are the same for every reader)."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import NotFound
from madang.feeds.build import (
    CONTENT_TYPES,
    FeedInfo,
    Kind,
    absolute,
    render_feed,
    updated_at,
)
from madang.feeds.queries import get_feed_account, list_account_feed, list_tag_feed
from madang.text import html_to_text, is_valid_tag, normalize
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, site_of
from madang.web.views.accounts import account_card

router = APIRouter()
MAX_AGE = 60  # Mastodon's: a minute, long enough to spare the database a busy reader


def feed_links(path: str) -> dict[str, str]:
    """The RSS and Atom twins of a profile or tag page path, for <link rel="alternate">."""
    return {"rss": f"{path}.rss", "atom": f"{path}.atom"}


def tag_path(tag: str) -> str:
    return "/tags/" + quote(tag, safe="")


def _respond(request: Request, body: bytes, kind: Kind, modified: str) -> Response:
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": etag, "Last-Modified": modified,
               "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=CONTENT_TYPES[kind], headers=headers)


async def _account_feed(request: Request, username: str, kind: Kind) -> Response:
    base = site_of(request).base_url
    async with ctx(request).db.read() as session:
        try:
            account = await get_feed_account(session, username)
        except NotFound:
            raise WebProblem(404, N_("찾을 수 없습니다.")) from None
        views = await list_account_feed(session, account=account)
    card = account_card(account)
    bio = html_to_text(account.note_html or "").strip()
    info = FeedInfo(title=f"{card['name']} (@{account.username})",
                    description=bio or f"{card['name']}님의 공개 글",
                    page_url=base + card["url"], feed_url=base + feed_links(card["url"])[kind],
                    icon=absolute(base, card["avatar"]), author=account)
    body = render_feed(info, views, base_url=base, kind=kind)
    return _respond(request, body, kind, format_datetime(updated_at(views, account.created_at), usegmt=True))


async def _tag_feed(request: Request, name: str, kind: Kind) -> Response:
    tag = normalize(name).strip().lstrip("#＃")
    # A feed reader cannot sign in: when guests may not read timelines, there is no tag feed.
    if not tag or len(tag) > 100 or not is_valid_tag(tag) or not ctx(request).settings.public_timelines_open:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    base = site_of(request).base_url
    async with ctx(request).db.read() as session:
        views = await list_tag_feed(session, tag=tag)
    page = tag_path(tag)
    info = FeedInfo(title=f"#{tag}", description=f"#{tag} 해시태그가 달린 공개 글",
                    page_url=base + page, feed_url=base + feed_links(page)[kind])
    body = render_feed(info, views, base_url=base, kind=kind)
    return _respond(request, body, kind, format_datetime(updated_at(views), usegmt=True))


@router.get("/@{username}.rss")
async def account_rss(request: Request, username: str) -> Response:
    return await _account_feed(request, username, "rss")


@router.get("/@{username}.atom")
async def account_atom(request: Request, username: str) -> Response:
    return await _account_feed(request, username, "atom")


@router.get("/tags/{name}.rss")
async def tag_rss(request: Request, name: str) -> Response:
    return await _tag_feed(request, name, "rss")


@router.get("/tags/{name}.atom")
async def tag_atom(request: Request, name: str) -> Response:
    return await _tag_feed(request, name, "atom")
