"""Conversations (direct-message threads) and the direct timeline, Mastodon's deprecated alias."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from madang import conversations as domain
from madang.accounts import get_accounts
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import (
    base_url,
    ctx,
    page_of,
    path_id,
    render_statuses,
    render_statuses_bytes,
)
from madang.mastodon_api.serializers.conversations import conversation_json
from madang.models import Account, AccountConversation, Status
from madang.statuses.policies import visible_to

router = APIRouter()


async def _render(session: AsyncSession, request: Request, rows: list[AccountConversation],
                  me: Account) -> list[dict]:
    ids = {i for r in rows for i in r.participant_ids} | {me.id}
    accounts = await get_accounts(session, ids)
    # A deleted last status shows as none, not as a hole in the list.
    statuses = list(await session.scalars(select(Status).where(
        Status.id.in_({r.last_status_id for r in rows}), visible_to(me.id))))
    rendered = {int(s["id"]): s for s in await render_statuses(session, request, statuses, me.id)}
    url = base_url(request)
    return [conversation_json(r, accounts, rendered.get(r.last_status_id), url) for r in rows]


@router.get("/api/v1/conversations")
async def index(request: Request) -> Response:
    _, me = await require_user(request, "read:statuses")
    page = page_of(await read_params(request), 20, 40)
    async with ctx(request).db.read() as session:
        rows = await domain.list_conversations(session, account_id=me.id, page=page)
        body = await _render(session, request, rows, me)
    return JSON(body, headers=link_header(request, base_url(request), [r.last_status_id for r in rows], page.limit))


@router.post("/api/v1/conversations/{conversation_id}/read")
async def read(request: Request, conversation_id: str) -> Response:
    _, me = await require_user(request, "write:conversations")
    async with ctx(request).db.write() as session:
        row = await domain.mark_conversation_read(session, account_id=me.id, conversation_id=path_id(conversation_id))
        [body] = await _render(session, request, [row], me)
    return JSON(body)


@router.delete("/api/v1/conversations/{conversation_id}")
async def remove(request: Request, conversation_id: str) -> Response:
    _, me = await require_user(request, "write:conversations")
    async with ctx(request).db.write() as session:
        await domain.remove_conversation(session, account_id=me.id, conversation_id=path_id(conversation_id))
    return JSON({})


@router.get("/api/v1/timelines/direct")
async def direct_timeline(request: Request) -> Response:
    _, me = await require_user(request, "read:statuses")
    page = page_of(await read_params(request), 20, 40)
    async with ctx(request).db.read() as session:
        rows = await domain.list_direct_timeline(session, viewer_id=me.id, page=page)
        body = await render_statuses_bytes(session, request, rows, me.id)
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))
