"""Live updates for the pages: server-sent events on the web session (the cookie), fed by the
same streaming hub rules as the API's streams (decision 0009), so blocks, mutes, visibility
and filters hold exactly as there.

Events carry ids only. A new post's card is fetched by the page from ``/statuses/{id}/card``
when the reader asks to see it: a card holds forms with the reader's CSRF token, their marks,
their language and their filters' warnings, so it cannot be rendered once for everyone, and
most events are never opened (a reader who is not looking pays nothing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import orjson
from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from madang.filters import FilterMatch
from madang.models import Notification, Status
from madang.notifications.queries import count_unread
from madang.runtime import ctx_of
from madang.streaming import Connection, Hub, Marks, StatusFacts, Stream
from madang.web.viewer import load_viewer

router = APIRouter()
HUB_KEY = "web.streaming.hub"
# The page's names for the hub's streams: the home page hears new posts and notifications
# (Mastodon's `user` stream carries both), the local timeline its posts and notifications,
# every other signed-in page only notifications (the nav count).
NOTIFICATIONS = Stream("user:notification")
STREAMS = {"home": (Stream("user"),), "notifications": (NOTIFICATIONS,), "local": (Stream("public:local"), NOTIFICATIONS)}


class WebRenderer:
    """The payloads of the web's events: ids, never HTML (see the module's note)."""

    async def statuses(self, session: AsyncSession, facts: StatusFacts, marks: Sequence[Marks | None]) -> list[str]:
        payload = orjson.dumps({"id": str(facts.status.id)}).decode()
        return [payload for _ in marks]

    async def notification(self, session: AsyncSession, notification_id: int, recipient_id: int) -> str | None:
        row = await session.get(Notification, notification_id)
        if row is None or row.account_id != recipient_id:
            return None
        if row.status_id is not None:
            status = await session.get(Status, row.status_id)
            if status is None or status.deleted_at is not None:
                return None  # the notifications page leaves these out too
        return orjson.dumps({"id": str(row.id), "type": row.type}).decode()

    def with_filtered(self, payload: str, matches: Sequence[FilterMatch]) -> str:
        return payload  # the card fragment shows the warning itself


def web_hub(conn: HTTPConnection) -> Hub:
    """The process's hub for the pages, made on the first page stream opened."""
    ctx = ctx_of(conn)
    hub = ctx.extras.get(HUB_KEY)
    if hub is None:
        hub = ctx.extras[HUB_KEY] = Hub(ctx.db, WebRenderer())
        ctx.events.listen(hub.on_event)
        ctx.events.on_close(hub.close)
    return hub


@router.get("/web/stream")
async def stream(request: Request) -> Response:
    viewer = await load_viewer(request)
    wanted = STREAMS.get(request.query_params.get("stream") or "")
    if wanted is None:
        return PlainTextResponse("unknown stream", status_code=400)
    settings = ctx_of(request).settings
    if viewer is None and (any(s.personal for s in wanted) or not settings.public_timelines_open):
        # EventSource gives up on anything but 200: a signed-out page stops reconnecting.
        return PlainTextResponse("sign in first", status_code=401)
    first = b":)\n\n"
    if viewer is not None:
        async with ctx_of(request).db.read() as session:
            unread = await count_unread(session, account_id=viewer.account.id)
        first = f"event: unread\ndata: {unread}\n\n".encode()
    hub = web_hub(request)
    conn = hub.connect(viewer.account.id if viewer else None, wanted)
    return StreamingResponse(_frames(hub, conn, first, settings.streaming_heartbeat_seconds),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _frames(hub: Hub, conn: Connection, first: bytes, heartbeat: float) -> AsyncIterator[bytes]:
    try:
        yield first  # the headers go out at once, with the count the nav shows
        while True:
            try:
                delivery = await conn.next(timeout=heartbeat)
            except TimeoutError:
                yield b":thump\n\n"  # a whole comment event (mastodon/mastodon#37379)
                continue
            if delivery is None:
                return
            yield f"event: {delivery.event}\ndata: {delivery.payload}\n\n".encode()
    finally:
        hub.disconnect(conn)
