"""Notifications: list, get one, dismiss, clear."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.accounts import get_accounts
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, filter_views, page_of, path_id
from madang.mastodon_api.serializers.notifications import notification_json
from madang.models import Notification, Status
from madang.models.notifications import NOTIFICATION_TYPES  # madang's own types (madang.health) stay off the API
from madang.core.errors import NotFound
from madang.notifications.queries import (
    clear_notifications,
    dismiss_notification,
    get_notification,
    list_notifications,
)
from madang.statuses.views import load_status_views

router = APIRouter()


async def _render(session, request: Request, rows: list[Notification], viewer_id: int,  # type: ignore[no-untyped-def]
                  context: str | None = None) -> list[dict]:
    """``context="notifications"`` applies the viewer's filters: a notification whose post a
    ``hide`` filter matches is left out, a ``warn`` match is reported on its status."""
    senders = await get_accounts(session, {n.from_account_id for n in rows})
    status_ids = [n.status_id for n in rows if n.status_id]
    statuses = {}
    hidden: set[int] = set()
    filtered: dict[int, list[dict]] = {}
    if status_ids:
        from sqlalchemy import select

        found = list(await session.scalars(select(Status).where(Status.id.in_(status_ids))))
        statuses = {v.status.id: v for v in await load_status_views(session, found, viewer_id)}
        kept, filtered = await filter_views(session, list(statuses.values()), viewer_id, context)
        hidden = set(statuses) - {v.status.id for v in kept}
    url = base_url(request)
    out = []
    for n in rows:
        if n.from_account_id not in senders or (n.status_id or 0) in hidden:
            continue
        data = notification_json(n, senders[n.from_account_id], statuses.get(n.status_id or 0), url)
        if data["status"] is not None and n.status_id in filtered:
            data["status"]["filtered"] = filtered[n.status_id]
        out.append(data)
    return out


@router.get("/api/v1/notifications")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:notifications")
    params = await read_params(request)
    page = page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        rows = await list_notifications(
            session, account_id=me.id, page=page, types=[str(t) for t in params.list("types")] or list(NOTIFICATION_TYPES),
            exclude_types=[str(t) for t in params.list("exclude_types")], from_account_id=params.id("account_id"))
        body = await _render(session, request, rows, me.id, context="notifications")
    return JSON(body, headers=link_header(request, base_url(request), [n.id for n in rows], page.limit))


@router.get("/api/v1/notifications/unread_count")
async def unread_count(request: Request) -> Response:
    _, me = await require_user(request, "read:notifications")
    from madang.notifications.queries import count_unread

    async with ctx(request).db.read() as session:
        count = await count_unread(session, account_id=me.id)
    return JSON({"count": count})


@router.post("/api/v1/notifications/clear")
async def clear(request: Request) -> Response:
    _, me = await require_user(request, "write:notifications")
    async with ctx(request).db.write() as session:
        await clear_notifications(session, account_id=me.id)
    return JSON({})


@router.get("/api/v1/notifications/{notification_id}")
async def show(request: Request, notification_id: str) -> Response:
    _, me = await require_user(request, "read:notifications")
    async with ctx(request).db.read() as session:
        row = await get_notification(session, account_id=me.id, notification_id=path_id(notification_id))
        if row.type not in NOTIFICATION_TYPES:
            raise NotFound("Record not found")
        body = await _render(session, request, [row], me.id)
    return JSON(body[0])


@router.post("/api/v1/notifications/{notification_id}/dismiss")
async def dismiss(request: Request, notification_id: str) -> Response:
    _, me = await require_user(request, "write:notifications")
    async with ctx(request).db.write() as session:
        await dismiss_notification(session, account_id=me.id, notification_id=path_id(notification_id))
    return JSON({})
