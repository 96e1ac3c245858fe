"""Instance announcements for clients (Mastodon 3.1+): the active ones, dismissing, reactions."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import announcements
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, path_id
from madang.mastodon_api.serializers.accounts import media_url
from madang.mastodon_api.serializers.formats import ts
from madang.text import parse

router = APIRouter()


def announcement_json(view: announcements.AnnouncementView, url: str) -> dict[str, Any]:
    row = view.row
    tags = [{"name": t.name, "url": f"{url}/tags/{quote(t.name)}"} for t in parse(row.text).hashtags]
    reactions = []
    for r in view.reactions:
        item: dict[str, Any] = {"name": r.name, "count": r.count, "me": r.me}
        if r.emoji is not None:
            item.update(url=media_url(url, r.emoji.url, ""), static_url=media_url(url, r.emoji.static_url, ""))
        reactions.append(item)
    return {"id": str(row.id), "content": row.content, "starts_at": ts(row.starts_at),
            "ends_at": ts(row.ends_at), "all_day": row.all_day,
            "published_at": ts(row.published_at), "updated_at": ts(row.updated_at), "read": view.read,
            "mentions": [], "statuses": [], "tags": tags, "emojis": [], "reactions": reactions}


@router.get("/api/v1/announcements")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read")
    with_dismissed = (await read_params(request)).bool("with_dismissed", False)
    async with ctx(request).db.read() as session:
        views = await announcements.active_announcements(session, account_id=me.id, with_dismissed=bool(with_dismissed),
                                                         info=ctx(request).db.session_info)
    url = base_url(request)
    return JSON([announcement_json(v, url) for v in views])


@router.post("/api/v1/announcements/{announcement_id}/dismiss")
async def dismiss(request: Request, announcement_id: str) -> Response:
    _, me = await require_user(request, "write:accounts")
    async with ctx(request).db.write() as session:
        await announcements.dismiss_announcement(session, account_id=me.id, announcement_id=path_id(announcement_id))
    return JSON({})


@router.put("/api/v1/announcements/{announcement_id}/reactions/{name}")
async def add_reaction(request: Request, announcement_id: str, name: str) -> Response:
    _, me = await require_user(request, "write:favourites")
    async with ctx(request).db.write() as session:
        await announcements.react(session, account_id=me.id, announcement_id=path_id(announcement_id),
                                  name=name)
    return JSON({})


@router.delete("/api/v1/announcements/{announcement_id}/reactions/{name}")
async def remove_reaction(request: Request, announcement_id: str, name: str) -> Response:
    _, me = await require_user(request, "write:favourites")
    async with ctx(request).db.write() as session:
        await announcements.unreact(session, account_id=me.id, announcement_id=path_id(announcement_id),
                                    name=name)
    return JSON({})
