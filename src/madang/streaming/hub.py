"""One process's live connections, and the loop that hands each event to those that
should see it.

Events arrive from the bus (this process's and, with Redis, every process's). Each is
handled once here for all local connections: one read unit loads the post's facts and the
viewers' relationships in a few queries, the surface renders the JSON once (once per
distinct set of viewer marks), and every receiving connection gets the same string.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.conversations.updating import CONVERSATION_EVENT
from madang.core import metrics
from madang.db import Database
from madang.events import Event
from madang.events.topics import CREATED, DELETED, NOTIFICATION, STATUS
from madang.filters import FilterMatch, LiveVerdict, live_verdicts
from madang.filters.manage import FILTERS_CHANGED_EVENT
from madang.lists import list_ids_showing
from madang.models import ListAccount
from madang.streaming.audience import might_receive, receives
from madang.streaming.facts import StatusFacts, load_status_facts
from madang.streaming.marks import NONE, Marks, load_marks
from madang.streaming.relations import load_relations
from madang.streaming.streams import Stream

log = logging.getLogger(__name__)

# A client this far behind is not reading: it is dropped rather than buffered for ever.
MAX_PENDING = 1_000


class Renderer(Protocol):
    """The surface's part: JSON strings as its clients expect them."""

    async def statuses(self, session: AsyncSession, facts: StatusFacts,
                       marks: Sequence[Marks | None]) -> list[str]:
        """The post once per entry of ``marks`` (None: for a viewer who is not signed in)."""
        ...

    async def notification(self, session: AsyncSession, notification_id: int, recipient_id: int) -> str | None:
        ...

    def with_filtered(self, payload: str, matches: Sequence[FilterMatch]) -> str:
        """``payload`` with the reader's filter results (a warn filter matched)."""
        ...

    async def conversation(self, session: AsyncSession, conversation_id: int, owner_id: int) -> str | None:
        """The Conversation as the owner's conversations list shows it; None if it is gone."""
        ...


@dataclass(frozen=True)
class Delivery:
    stream: Stream
    event: str
    payload: str | None  # None: an event without one (filters_changed)


class Connection:
    """One client's socket or event stream, with the streams it follows."""

    def __init__(self, viewer_id: int | None, streams: Sequence[Stream] = ()) -> None:
        self.viewer_id = viewer_id
        self.streams: set[Stream] = set(streams)
        self._outbox: asyncio.Queue[Delivery | None] = asyncio.Queue()
        self.closed = False

    def deliver(self, delivery: Delivery) -> None:
        if self.closed:
            return
        if self._outbox.qsize() >= MAX_PENDING:
            self.close()
            return
        self._outbox.put_nowait(delivery)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._outbox.put_nowait(None)

    async def next(self, timeout: float | None = None) -> Delivery | None:
        """The next delivery; None once closed. Raises TimeoutError after ``timeout``."""
        if self.closed and self._outbox.empty():
            return None
        return await asyncio.wait_for(self._outbox.get(), timeout)


class Hub:
    def __init__(self, db: Database, renderer: Renderer) -> None:
        self.db = db
        self.renderer = renderer
        self._connections: set[Connection] = set()
        self._by_viewer: dict[int, set[Connection]] = {}
        self._inbox: asyncio.Queue[Event] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    def connect(self, viewer_id: int | None, streams: Sequence[Stream] = ()) -> Connection:
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        conn = Connection(viewer_id, streams)
        self._connections.add(conn)
        metrics.streams(+1)
        if viewer_id is not None:
            self._by_viewer.setdefault(viewer_id, set()).add(conn)
        return conn

    def disconnect(self, conn: Connection) -> None:
        conn.close()
        if conn in self._connections:
            self._connections.discard(conn)
            metrics.streams(-1)
        if conn.viewer_id is not None:
            peers = self._by_viewer.get(conn.viewer_id)
            if peers is not None:
                peers.discard(conn)
                if not peers:
                    del self._by_viewer[conn.viewer_id]

    def on_event(self, event: Event) -> None:
        """The bus listener: queue only, the loop below does the work."""
        if self._connections:
            self._inbox.put_nowait(event)

    async def close(self) -> None:
        for conn in list(self._connections):
            self.disconnect(conn)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            event = await self._inbox.get()
            try:
                await self.dispatch(event)
            except Exception:  # one bad event must not stop the streams
                log.exception("streaming: could not dispatch %r", event)

    async def dispatch(self, event: Event) -> None:
        if event.get("type") == STATUS:
            await self._status(event)
        elif event.get("type") == NOTIFICATION:
            await self._notification(event)
        elif event.get("type") == CONVERSATION_EVENT:
            await self._conversation(event)
        elif event.get("type") == FILTERS_CHANGED_EVENT:
            # As Mastodon: on the owner's user stream, with no payload (clients fetch again).
            for conn, stream in self._owned(int(event["account_id"]), ("user",)):
                conn.deliver(Delivery(stream, FILTERS_CHANGED_EVENT, None))

    def _owned(self, owner: int, names: tuple[str, ...]) -> list[tuple[Connection, Stream]]:
        """The owner's own connections' streams of these names."""
        return [(c, s) for c in list(self._by_viewer.get(owner, ())) for s in c.streams if s.name in names]

    async def _conversation(self, event: Event) -> None:
        owner = int(event["account_id"])
        chosen = self._owned(owner, ("direct",))
        if not chosen:
            return
        async with self.db.read() as session:
            payload = await self.renderer.conversation(session, int(event["id"]), owner)
        if payload is None:
            return
        for conn, stream in chosen:
            conn.deliver(Delivery(stream, CONVERSATION_EVENT, payload))

    async def _status(self, event: Event) -> None:
        kind = event["kind"]
        candidates = [(c, s) for c in list(self._connections) for s in c.streams if might_receive(s, event)]
        if not candidates:
            return
        async with self.db.read() as session:
            facts = await load_status_facts(session, int(event["id"]))
            if facts is None or (kind != DELETED and facts.post.deleted_at is not None):
                return  # deleted before this event was handled: nothing left to show
            viewers = {c.viewer_id for c, _ in candidates if c.viewer_id is not None}
            tag_keys = facts.tag_keys if facts.post.visibility == "public" and not facts.is_boost else ()
            relations = await load_relations(session, viewers, facts.account_ids, tag_keys)
            lists = await _lists_showing(session, facts, kind) if any(s.name == "list" for _, s in candidates) \
                else frozenset()
            chosen = [(c, s) for c, s in candidates if receives(s, c.viewer_id, facts, relations, kind, lists)]
            if not chosen:
                return
            if kind == DELETED:
                payload = str(facts.status.id)
                for conn, stream in chosen:
                    conn.deliver(Delivery(stream, kind, payload))
                return
            # The readers' filters: a hide match keeps the post from that stream, a warn match
            # sends it with the results (home for user and list streams, public for the others).
            verdicts = await live_verdicts(session, facts.status, facts.post,
                                           [(c.viewer_id, s.name) for c, s in chosen])
            if verdicts:
                chosen = [(c, s) for c, s in chosen if not _hidden_by(verdicts, c.viewer_id, s)]
                if not chosen:
                    return
            pick = await self._render(session, facts, kind, chosen)
        for conn, stream in chosen:
            payload = pick(conn.viewer_id)
            verdict = verdicts.get((conn.viewer_id, stream.name)) if verdicts and conn.viewer_id is not None else None
            if verdict is not None:
                payload = self.renderer.with_filtered(payload, verdict.matches)
            conn.deliver(Delivery(stream, kind, payload))

    async def _render(self, session: AsyncSession, facts: StatusFacts, kind: str,
                      chosen: list[tuple[Connection, Stream]]) -> Callable[[int | None], str]:
        """The payload for each viewer, rendered once per distinct set of viewer marks. A
        brand-new post has no marks yet, so it renders at most twice (signed in or not)."""
        viewers = {c.viewer_id for c, _ in chosen if c.viewer_id is not None}
        per_viewer: dict[int, Marks] = {}
        if viewers and (kind != CREATED or facts.is_boost):
            per_viewer = await load_marks(session, facts.post.id, viewers)
        variants: list[Marks | None] = list({*per_viewer.values(), NONE}) if viewers else []
        if any(c.viewer_id is None for c, _ in chosen):
            variants.append(None)
        rendered = dict(zip(variants, await self.renderer.statuses(session, facts, variants), strict=True))
        return lambda viewer: rendered[None if viewer is None else per_viewer.get(viewer, NONE)]

    async def _notification(self, event: Event) -> None:
        recipient = int(event["account_id"])
        chosen = [(c, s) for c in list(self._by_viewer.get(recipient, ()))
                  for s in c.streams if s.name in ("user", "user:notification")]
        if not chosen:
            return
        async with self.db.read() as session:
            payload = await self.renderer.notification(session, int(event["id"]), recipient)
        if payload is None:
            return
        for conn, stream in chosen:
            conn.deliver(Delivery(stream, NOTIFICATION, payload))


def _hidden_by(verdicts: dict[tuple[int, str], LiveVerdict], viewer_id: int | None, stream: Stream) -> bool:
    verdict = verdicts.get((viewer_id, stream.name)) if viewer_id is not None else None
    return verdict is not None and verdict.hide


async def _lists_showing(session: AsyncSession, facts: StatusFacts, kind: str) -> frozenset[str]:
    """Lists whose timeline shows the post (the timeline's own rules); for a deletion,
    every list the author is on (the post no longer shows anywhere)."""
    if kind == DELETED:
        rows = await session.scalars(select(ListAccount.list_id).where(
            ListAccount.account_id == facts.status.account_id))
        return frozenset(str(i) for i in rows)
    found = await list_ids_showing(session, status_id=facts.status.id, author_id=facts.status.account_id)
    return frozenset(str(list_id) for list_id, _ in found)
