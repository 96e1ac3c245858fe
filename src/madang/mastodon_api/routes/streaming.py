"""Live streams as Mastodon serves them: one WebSocket carrying many streams, server-sent
events (one stream per request), and the health check.

The domain (``madang.streaming``) decides who receives what; this module authenticates,
parses stream names, renders the JSON once per event and writes each client's frames.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import orjson
from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from madang.auth.scopes import covers
from madang.core.errors import DomainError, Invalid, NotFound, Unauthorized
from madang.mastodon_api.auth import Caller, bearer, caller_for
from madang.mastodon_api.problems import BadRequest
from madang.mastodon_api.responses import error
from madang.filters import FilterMatch
from madang.mastodon_api.serializers.filters import filter_results_json
from madang.mastodon_api.serializers.notifications import notification_json
from madang.mastodon_api.serializers.statuses import status_json
from madang.accounts import get_accounts
from madang.mastodon_api.serializers.conversations import conversation_json
from madang.models import Account, AccountConversation, Notification, Status
from madang.statuses.policies import visible_to
from madang.runtime import ctx_of
from madang.statuses.views import StatusView, load_status_views
from madang.streaming import (
    Connection, Delivery, Hub, Marks, StatusFacts, Stream, check_target, may_open, parse_stream,
)

router = APIRouter()

HUB_KEY = "streaming.hub"


class ApiRenderer:
    """Mastodon JSON for the hub: a status rendered once per distinct set of viewer marks."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def statuses(self, session: AsyncSession, facts: StatusFacts,
                       marks: Sequence[Marks | None]) -> list[str]:
        view = (await load_status_views(session, [facts.status], None))[0]
        out = []
        for m in marks:
            _mark(view, m)
            out.append(orjson.dumps(status_json(view, self.base_url)).decode())
        return out

    async def notification(self, session: AsyncSession, notification_id: int, recipient_id: int) -> str | None:
        row = await session.get(Notification, notification_id)
        if row is None or row.account_id != recipient_id:
            return None
        sender = await session.get(Account, row.from_account_id)
        if sender is None:
            return None
        view = None
        if row.status_id is not None:
            status = await session.get(Status, row.status_id)
            if status is None or status.deleted_at is not None:
                return None  # the notifications list hides these too
            view = (await load_status_views(session, [status], recipient_id))[0]
        return orjson.dumps(notification_json(row, sender, view, self.base_url)).decode()

    async def conversation(self, session: AsyncSession, conversation_id: int, owner_id: int) -> str | None:
        row = await session.get(AccountConversation, conversation_id)
        if row is None or row.account_id != owner_id:
            return None
        accounts = await get_accounts(session, {*row.participant_ids, owner_id})
        status = await session.scalar(select(Status).where(Status.id == row.last_status_id, visible_to(owner_id)))
        last = None
        if status is not None:
            last = status_json((await load_status_views(session, [status], owner_id))[0], self.base_url)
        return orjson.dumps(conversation_json(row, accounts, last, self.base_url)).decode()

    def with_filtered(self, payload: str, matches: Sequence[FilterMatch]) -> str:
        # The rendered status says "filtered":[] (on a boost, on its original too). Inside a JSON
        # string a quote is escaped, so this exact text can only be the key: safe to replace.
        return payload.replace('"filtered":[]', '"filtered":' + orjson.dumps(filter_results_json(matches)).decode())


def _mark(view: StatusView, marks: Marks | None) -> None:
    """Viewer marks on the view (and on a boost's original, whose marks a boost shows)."""
    for v in (view, view.reblog):
        if v is None:
            continue
        if marks is None:
            v.favourited = v.reblogged = v.bookmarked = v.pinned = None
        else:
            v.favourited, v.reblogged, v.bookmarked = marks.favourited, marks.reblogged, marks.bookmarked
            v.pinned = marks.pinned if v is not view or view.reblog is None else False


def hub_of(conn: HTTPConnection) -> Hub:
    """The process's hub, made on the first stream opened (no stream, no work per event)."""
    ctx = ctx_of(conn)
    hub = ctx.extras.get(HUB_KEY)
    if hub is None:
        hub = ctx.extras[HUB_KEY] = Hub(ctx.db, ApiRenderer(ctx.settings.base_url))
        ctx.events.listen(hub.on_event)
        ctx.events.on_close(hub.close)
    return hub


async def authenticate(conn: HTTPConnection, secret: str | None) -> Caller | None:
    """As ``mastodon_api.auth.load_caller``, for a token that may come from a WebSocket
    subprotocol. 401 (Unauthorized) for a token that is unknown or revoked."""
    return await caller_for(ctx_of(conn), secret)


async def open_stream(conn: HTTPConnection, caller: Caller | None, name: str | None, *, tag: str | None,
                      list_id: str | None) -> Stream:
    """The stream asked for, if this caller may read it. Raises Invalid (400 here, as
    Mastodon's streaming server answers), NotFound or Unauthorized."""
    stream = parse_stream(name, tag=tag, list_id=list_id)
    account = caller.account if caller else None
    if not may_open(stream, signed_in=account is not None,
                    public_timelines_open=ctx_of(conn).settings.public_timelines_open):
        raise Unauthorized("Missing access token" if caller is None else
                           "This method requires an authenticated user")
    if account is not None and caller is not None and not covers(caller.token.scopes, stream.scope):
        raise Unauthorized("Access token does not have the required scopes")
    if account is not None and stream.name == "list":
        async with ctx_of(conn).db.read() as session:
            await check_target(session, stream, account.id)
    return stream


# --- server-sent events ---------------------------------------------------------------


@router.get("/api/v1/streaming/health")
async def health() -> Response:
    return PlainTextResponse("OK")


@router.get("/api/v1/streaming")
async def events_by_param(request: Request) -> Response:
    """The older spelling, ``/api/v1/streaming?stream=public:local``."""
    return await _event_stream(request, request.query_params.get("stream"))


@router.get("/api/v1/streaming/{path:path}")
async def events(request: Request, path: str) -> Response:
    return await _event_stream(request, path.strip("/").replace("/", ":"))


async def _event_stream(request: Request, name: str | None) -> Response:
    caller = await authenticate(request, bearer(request))
    try:
        stream = await open_stream(request, caller, name, tag=request.query_params.get("tag"),
                             list_id=request.query_params.get("list"))
    except Invalid as exc:
        raise BadRequest(exc.message) from None
    hub = hub_of(request)
    conn = hub.connect(caller.account.id if caller and caller.account else None, [stream])
    heartbeat = ctx_of(request).settings.streaming_heartbeat_seconds
    return StreamingResponse(_frames(hub, conn, heartbeat), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _frames(hub: Hub, conn: Connection, heartbeat: float) -> AsyncIterator[bytes]:
    try:
        yield b":)\n\n"  # sends the headers at once, as Mastodon's streaming server does
        while True:
            try:
                delivery = await conn.next(timeout=heartbeat)
            except TimeoutError:
                # A whole comment event (blank line included): SSE parsers that buffer up
                # to the blank line would otherwise never see it (mastodon/mastodon#37379).
                yield b":thump\n\n"
                continue
            if delivery is None:
                return
            # No payload (filters_changed): Mastodon's streaming server writes `undefined`.
            payload = "undefined" if delivery.payload is None else delivery.payload
            yield f"event: {delivery.event}\ndata: {payload}\n\n".encode()
    finally:
        hub.disconnect(conn)


# --- WebSocket --------------------------------------------------------------------------


@router.websocket("/api/v1/streaming")
async def websocket(ws: WebSocket) -> None:
    # Browsers cannot set headers on a WebSocket: Phanpy and masto.js send the token as
    # the subprotocol, which must be echoed back or the browser drops the connection.
    protocol = ws.headers.get("sec-websocket-protocol")
    secret = bearer(ws) or (protocol.strip() if protocol else None)  # type: ignore[arg-type]
    try:
        caller = await authenticate(ws, secret)
    except Unauthorized as exc:
        await _deny(ws, 401, exc.message)
        return
    if caller is None and not ctx_of(ws).settings.public_timelines_open:
        await _deny(ws, 401, "Missing access token")
        return
    await ws.accept(subprotocol=protocol if protocol and not bearer(ws) else None)  # type: ignore[arg-type]
    hub = hub_of(ws)
    conn = hub.connect(caller.account.id if caller and caller.account else None)
    first = ws.query_params.get("stream")
    if first:  # megalodon opens with ?stream=user
        await _subscribe(ws, conn, caller, {"stream": first, "tag": ws.query_params.get("tag"),
                                             "list": ws.query_params.get("list")})
    writer = asyncio.create_task(_write(ws, conn))
    try:
        await _read(ws, conn, caller)
    finally:
        hub.disconnect(conn)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer


async def _deny(ws: WebSocket, status: int, message: str) -> None:
    """An HTTP answer to the handshake (401 JSON, as Mastodon), where the server allows it."""
    try:
        await ws.send_denial_response(error(status, message))
    except RuntimeError:
        await ws.close(code=1008, reason=message)


async def _read(ws: WebSocket, conn: Connection, caller: Caller | None) -> None:
    while True:
        try:
            text = await ws.receive_text()
        except (WebSocketDisconnect, KeyError, RuntimeError):
            return  # closed, or a binary frame (Mastodon closes on those too)
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue  # Mastodon ignores what it cannot parse
        if not isinstance(message, dict):
            continue
        if message.get("type") == "subscribe":
            await _subscribe(ws, conn, caller, message)
        elif message.get("type") == "unsubscribe":
            with contextlib.suppress(DomainError):
                conn.streams.discard(parse_stream(_text(message.get("stream")), tag=_text(message.get("tag")),
                                                  list_id=_text(message.get("list"))))


async def _subscribe(ws: WebSocket, conn: Connection, caller: Caller | None, message: dict) -> None:
    try:
        stream = await open_stream(ws, caller, _text(message.get("stream")), tag=_text(message.get("tag")),
                             list_id=_text(message.get("list")))
    except DomainError as exc:
        status = 400 if isinstance(exc, Invalid) else 404 if isinstance(exc, NotFound) else 401
        with contextlib.suppress(Exception):
            await ws.send_text(orjson.dumps({"error": exc.message, "status": status}).decode())
        return
    conn.streams.add(stream)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


async def _write(ws: WebSocket, conn: Connection) -> None:
    while True:
        delivery: Delivery | None = await conn.next()
        if delivery is None:
            with contextlib.suppress(Exception):
                await ws.close()
            return
        frame: dict[str, object] = {"stream": delivery.stream.label(), "event": delivery.event}
        if delivery.payload is not None:  # filters_changed has no payload key, as from Mastodon
            frame["payload"] = delivery.payload
        await ws.send_text(orjson.dumps(frame).decode())
