"""Hashtags: one tag (with ``following`` for the caller), following and unfollowing it, and
the tags one follows (Mastodon's followed_tags)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.accounts.followed_tags import find_tag_named, follow_tag, followed_tag_ids, list_followed_tags, unfollow_tag
from madang.core.clock import utcnow
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of
from madang.mastodon_api.serializers.trends import tag_entity_json
from madang.models import Tag
from madang.trends import tag_histories

router = APIRouter()


async def _tag_body(request: Request, session, tag: Tag | None, name: str, viewer_id: int | None) -> dict:  # type: ignore[no-untyped-def]
    if tag is None:
        # A valid name nobody has used yet: Mastodon shows it, unsaved, with no history.
        body = tag_entity_json(Tag(id=0, name=name.strip().lstrip("#＃"), key=""), [], base_url(request))
        return body
    history = (await tag_histories(session, [tag.id], now=utcnow(), time_zone=ctx(request).settings.time_zone))[tag.id]
    following = bool(await followed_tag_ids(session, account_id=viewer_id, tag_ids=[tag.id]))
    return tag_entity_json(tag, history, base_url(request), following=following)


@router.get("/api/v1/tags/{name}")
async def show(request: Request, name: str) -> Response:
    caller = await optional_caller(request)
    viewer_id = caller.account.id if caller is not None and caller.account is not None else None
    async with ctx(request).db.read() as session:
        tag = await find_tag_named(session, name)
        body = await _tag_body(request, session, tag, name, viewer_id)
    return JSON(body)


@router.post("/api/v1/tags/{name}/follow")
async def follow(request: Request, name: str) -> Response:
    _, me = await require_user(request, "write:follows")
    async with ctx(request).db.write() as session:
        tag = await follow_tag(session, account_id=me.id, name=name)
        body = await _tag_body(request, session, tag, name, me.id)
    return JSON(body)


@router.post("/api/v1/tags/{name}/unfollow")
async def unfollow(request: Request, name: str) -> Response:
    _, me = await require_user(request, "write:follows")
    async with ctx(request).db.write() as session:
        tag = await unfollow_tag(session, account_id=me.id, name=name)
        body = await _tag_body(request, session, tag, name, me.id)
    return JSON(body)


@router.get("/api/v1/followed_tags")
async def followed_tags(request: Request) -> Response:
    _, me = await require_user(request, "read:follows")
    params = await read_params(request)
    page = page_of(params, 100, 200)
    async with ctx(request).db.read() as session:
        rows = await list_followed_tags(session, account_id=me.id, page=page)
        histories = await tag_histories(session, [t.id for _, t in rows], now=utcnow(),
                                        time_zone=ctx(request).settings.time_zone)
    url = base_url(request)
    body = [tag_entity_json(t, histories[t.id], url, following=True) for _, t in rows]
    return JSON(body, headers=link_header(request, url, [fid for fid, _ in rows], page.limit))
