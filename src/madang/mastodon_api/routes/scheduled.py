"""Scheduled statuses: scheduling through POST /api/v1/statuses, then list, show, move, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from madang.accounts import get_account
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id, site
from madang.mastodon_api.serializers.formats import ts
from madang.mastodon_api.serializers.media import media_attachment_json
from madang.models import MediaAttachment, User
from madang.models.scheduled import ScheduledStatus
from madang.scheduling import manage
from madang.scheduling.rules import parse_scheduled_at
from madang.statuses.polls import PollSpec

router = APIRouter()


def scheduled_status_json(row: ScheduledStatus, media: list[MediaAttachment], url: str) -> dict[str, Any]:
    p = row.params
    return {
        "id": str(row.id),
        "scheduled_at": ts(row.scheduled_at),
        "params": {
            "text": p["text"], "spoiler_text": p["spoiler_text"], "sensitive": p["sensitive"],
            "visibility": p["visibility"], "language": p["language"], "in_reply_to_id": p["in_reply_to_id"],
            "media_ids": p["media_ids"] or None, "poll": p["poll"], "idempotency": p["idempotency"],
            "application_id": p["application_id"], "with_rate_limit": False, "scheduled_at": None,
        },
        "media_attachments": [media_attachment_json(m, url) for m in media],
    }


async def _render(session: Any, request: Request, rows: list[ScheduledStatus]) -> list[dict[str, Any]]:
    media = await manage.load_reserved_media(session, [r.id for r in rows])
    url = base_url(request)
    return [scheduled_status_json(r, media[r.id], url) for r in rows]


async def schedule(request: Request, params: Params, *, me_id: int, application_id: int | None,
                   fields: dict[str, Any], poll: PollSpec | None) -> Response:
    """POST /api/v1/statuses with ``scheduled_at``: a ScheduledStatus instead of a Status."""
    when = parse_scheduled_at(params.raw("scheduled_at"))
    async with ctx(request).db.write() as session:
        user = await session.scalar(select(User).where(User.account_id == me_id))
        default_visibility = user.default_visibility if user else "public"
        row = await manage.schedule_status(
            session, site=site(request), author=await get_account(session, me_id), scheduled_at=when,
            application_id=application_id, idempotency_key=request.headers.get("idempotency-key"),
            default_visibility=default_visibility, poll=poll, **fields)
        body = (await _render(session, request, [row]))[0]
    return JSON(body)


@router.get("/api/v1/scheduled_statuses")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:statuses")
    params = await read_params(request)
    page = page_of(params, 20, 40)
    async with ctx(request).db.read() as session:
        rows = await manage.list_scheduled_statuses(session, account_id=me.id, page=page)
        body = await _render(session, request, rows)
    return JSON(body, headers=link_header(request, base_url(request), [r.id for r in rows], page.limit))


@router.get("/api/v1/scheduled_statuses/{scheduled_id}")
async def show(request: Request, scheduled_id: str) -> Response:
    _, me = await require_user(request, "read:statuses")
    async with ctx(request).db.read() as session:
        row = await manage.get_scheduled_status(session, account_id=me.id, scheduled_status_id=path_id(scheduled_id))
        body = (await _render(session, request, [row]))[0]
    return JSON(body)


@router.put("/api/v1/scheduled_statuses/{scheduled_id}")
async def update(request: Request, scheduled_id: str) -> Response:
    _, me = await require_user(request, "write:statuses")
    params = await read_params(request)
    async with ctx(request).db.write() as session:
        row = await manage.get_scheduled_status(session, account_id=me.id, scheduled_status_id=path_id(scheduled_id))
        if params.raw("scheduled_at") is not None:
            await manage.reschedule_status(session, row=row, scheduled_at=parse_scheduled_at(params.raw("scheduled_at")))
        body = (await _render(session, request, [row]))[0]
    return JSON(body)


@router.delete("/api/v1/scheduled_statuses/{scheduled_id}")
async def destroy(request: Request, scheduled_id: str) -> Response:
    _, me = await require_user(request, "write:statuses")
    async with ctx(request).db.write() as session:
        row = await manage.get_scheduled_status(session, account_id=me.id, scheduled_status_id=path_id(scheduled_id))
        await manage.cancel_scheduled_status(session, row=row)
    return JSON({})
