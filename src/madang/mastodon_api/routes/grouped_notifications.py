"""Grouped notifications (Mastodon 4.3's /api/v2/notifications): list, one group, its
accounts, dismiss, unread count. Installed after ``misc``, whose fixed
``/api/v2/notifications/policy`` would otherwise be taken for a group key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from madang.accounts import get_accounts
from madang.core.errors import NotFound
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.problems import BadRequest
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, filter_views, page_of
from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.notification_groups import grouped_results_json
from madang.mastodon_api.serializers.statuses import status_json
from madang.models import Status
from madang.notifications.browsing import Browse
from madang.notifications.groups import (
    NotificationGroup,
    count_unread_groups,
    dismiss_notification_group,
    get_notification_group,
    grouped_types_of,
    list_group_accounts,
    list_notification_groups,
    parse_group_key,
)
from madang.statuses.views import load_status_views

router = APIRouter()


def _strs(params: Params, name: str) -> tuple[str, ...]:
    return tuple(str(v) for v in params.list(name))


def _browse(params: Params) -> Browse:
    return Browse(_strs(params, "types"), _strs(params, "exclude_types"), params.id("account_id"))


def _partial(params: Params) -> bool:
    value = params.str("expand_accounts")
    if value in (None, "full"):
        return False
    if value == "partial_avatars":
        return True
    raise BadRequest(f"Invalid value for 'expand_accounts': '{value}', allowed values are 'full' and 'partial_avatars'")


async def _results(session: AsyncSession, request: Request, groups: list[NotificationGroup], viewer_id: int,
                   *, partial: bool = False) -> dict[str, Any]:
    """The viewer's notification filters apply: a group whose post a ``hide`` filter matches
    is left out, a ``warn`` match is reported on its status."""
    accounts = await get_accounts(session, {i for g in groups for i in g.sample_account_ids})
    status_ids = list(dict.fromkeys(g.notification.status_id for g in groups if g.notification.status_id))
    views, filtered = [], {}
    if status_ids:
        found = list(await session.scalars(select(Status).where(Status.id.in_(status_ids))))
        views, filtered = await filter_views(session, await load_status_views(session, found, viewer_id),
                                             viewer_id, "notifications")
    shown = {v.status.id: v for v in views}
    kept = [g for g in groups if g.sample_account_ids[0] in accounts
            and (g.notification.status_id is None or g.notification.status_id in shown)]
    url = base_url(request)
    used = dict.fromkeys(g.notification.status_id for g in kept if g.notification.status_id)
    statuses = [status_json(shown[i], url, filtered=filtered) for i in used]
    return grouped_results_json(kept, accounts, statuses, url, partial=partial)


@router.get("/api/v2/notifications")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:notifications")
    params = await read_params(request)
    page = page_of(params, 40, 80)
    partial = _partial(params)
    async with ctx(request).db.read() as session:
        groups = await list_notification_groups(session, account_id=me.id, page=page, browse=_browse(params),
                                                grouped_types=grouped_types_of(list(_strs(params, "grouped_types"))))
        body = await _results(session, request, groups, me.id, partial=partial)
    ids = [g.notification.id for g in groups]
    return JSON(body, headers=link_header(request, base_url(request), ids, page.limit))


@router.get("/api/v2/notifications/unread_count")
async def unread_count(request: Request) -> Response:
    _, me = await require_user(request, "read:notifications")
    params = await read_params(request)
    async with ctx(request).db.read() as session:
        count = await count_unread_groups(
            session, account_id=me.id, browse=_browse(params), cap=params.limit(100, 1_000),
            grouped_types=grouped_types_of(list(_strs(params, "grouped_types"))))
    return JSON({"count": count})


@router.get("/api/v2/notifications/{group_key}")
async def show(request: Request, group_key: str) -> Response:
    _, me = await require_user(request, "read:notifications")
    key = parse_group_key(group_key)
    async with ctx(request).db.read() as session:
        group = await get_notification_group(session, account_id=me.id, key=key)
        body = await _results(session, request, [group], me.id)
    return JSON(body)


@router.get("/api/v2/notifications/{group_key}/accounts")
async def accounts(request: Request, group_key: str) -> Response:
    _, me = await require_user(request, "read:notifications")
    params = await read_params(request)
    page = page_of(params, 40, 80)
    key = parse_group_key(group_key)
    async with ctx(request).db.read() as session:
        rows = await list_group_accounts(session, account_id=me.id, key=key, page=page)
        found = await get_accounts(session, {sender for _, sender in rows})
    url = base_url(request)
    body = [account_json(found[sender], url) for _, sender in rows if sender in found]
    return JSON(body, headers=link_header(request, url, [nid for nid, _ in rows], page.limit))


@router.post("/api/v2/notifications/{group_key}/dismiss")
async def dismiss(request: Request, group_key: str) -> Response:
    """As Mastodon: dismissing a group that is gone (or never was) is not an error."""
    _, me = await require_user(request, "write:notifications")
    try:
        key = parse_group_key(group_key)
    except NotFound:
        return JSON({})
    async with ctx(request).db.write() as session:
        await dismiss_notification_group(session, account_id=me.id, key=key)
    return JSON({})
