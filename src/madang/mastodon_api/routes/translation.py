"""Translating a post. madang has no translation service (instance v2 says
``configuration.translation.enabled: false``, translation_languages is ``{}``), so it answers
as Mastodon does when none is configured: the post is looked up as for reading it, then
404 ``Record not found`` (TranslationService::NotConfiguredError is rescued as not_found)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.core.errors import NotFound
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.routes.common import ctx, path_id
from madang.statuses.queries import get_visible_status

router = APIRouter()


@router.post("/api/v1/statuses/{status_id}/translate")
async def translate(request: Request, status_id: str) -> Response:
    _, me = await require_user(request, "read:statuses")
    async with ctx(request).db.read() as session:
        await get_visible_status(session, path_id(status_id), me.id)
    raise NotFound("Record not found")
