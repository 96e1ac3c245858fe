"""Followed hashtags on the web: the follow button of a tag page and `/settings/followed_tags`.
A followed tag's new public posts reach the home timeline through `statuses.delivery`; the
use cases are `accounts.followed_tags`', the same the API calls."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.followed_tags import follow_tag, list_followed_tags, unfollow_tag
from madang.db.paging import Page
from madang.text import normalize
from madang.web.csrf import checked_form, text_field
from madang.web.routes.common import ctx, id_param, redirect, safe_next, signed_in
from madang.web.templating import render

router = APIRouter()
PAGE = "/settings/followed_tags"
PAGE_SIZE = 40


def _tag_url(name: str) -> str:
    return "/tags/" + quote(name, safe="")


@router.post("/tags/{name}/follow")
async def follow(request: Request, name: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        tag = await follow_tag(session, account_id=viewer.account.id, name=normalize(name))  # not a tag: 404
        shown = tag.name
    return redirect(safe_next(form.get("next"), _tag_url(shown)), notice="tag_followed")


@router.post("/tags/{name}/unfollow")
async def unfollow(request: Request, name: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        await unfollow_tag(session, account_id=viewer.account.id, name=normalize(name))
    return redirect(safe_next(form.get("next"), _tag_url(name)), notice="tag_unfollowed")


@router.get(PAGE)
async def followed_tags_page(request: Request) -> Response:
    viewer = await signed_in(request)
    page = Page(max_id=id_param(request, "max_id"), limit=PAGE_SIZE)
    async with ctx(request).db.read() as session:
        rows = await list_followed_tags(session, account_id=viewer.account.id, page=page)
    older = f"{PAGE}?max_id={rows[-1][0]}" if len(rows) >= PAGE_SIZE else None
    return render(request, "web/settings_followed_tags.html", tags=[t.name for _, t in rows], older=older,
                  section="followed_tags")


@router.post(f"{PAGE}/unfollow")
async def unfollow_from_settings(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        await unfollow_tag(session, account_id=viewer.account.id, name=text_field(form, "name", limit=200))
    return redirect(PAGE, notice="tag_unfollowed")
