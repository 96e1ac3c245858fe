"""One process's open monitors, and the loop that hands each new post to the offices it concerns.

Events arrive from the bus (with Redis, from every process). A new post is loaded once, with its
mentions and tags, and matched against the rules of each organisation someone is watching; the
watchers get the post's id and the reasons, and fetch the card (it carries their own forms).
Handled marks travel the same way, so staff watching at once see each other's marks."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson

from madang.db import Database
from madang.events import Event
from madang.events.topics import CREATED, STATUS
from madang.monitor.assignments import ASSIGNED
from madang.monitor.marks import HANDLED
from madang.monitor.matching import reasons
from madang.monitor.watches import WATCHES_CHANGED, Rules, load_rules
from madang.statuses.tag_families import FAMILIES_CHANGED

log = logging.getLogger(__name__)
MAX_PENDING = 500


class Watcher:
    """One open monitor page."""

    def __init__(self, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        self._outbox: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        self.closed = False

    def deliver(self, event: str, payload: str) -> None:
        if self.closed:
            return
        if self._outbox.qsize() >= MAX_PENDING:  # not reading: let it reconnect and reload
            self.close()
            return
        self._outbox.put_nowait((event, payload))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._outbox.put_nowait(None)

    async def next(self, timeout: float) -> tuple[str, str] | None:
        if self.closed and self._outbox.empty():
            return None
        return await asyncio.wait_for(self._outbox.get(), timeout)


class MonitorHub:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._watchers: dict[int, set[Watcher]] = {}
        self._rules: dict[int, Rules] = {}
        self._inbox: asyncio.Queue[Event] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def connect(self, organisation_id: int) -> Watcher:
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        watcher = Watcher(organisation_id)
        self._watchers.setdefault(organisation_id, set()).add(watcher)
        return watcher

    def disconnect(self, watcher: Watcher) -> None:
        watcher.close()
        peers = self._watchers.get(watcher.organisation_id)
        if peers is not None:
            peers.discard(watcher)
            if not peers:
                del self._watchers[watcher.organisation_id]
                self._rules.pop(watcher.organisation_id, None)

    def on_event(self, event: Event) -> None:
        """The bus listener: queue only."""
        if self._watchers:
            self._inbox.put_nowait(event)

    async def close(self) -> None:
        for peers in list(self._watchers.values()):
            for watcher in list(peers):
                self.disconnect(watcher)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            event = await self._inbox.get()
            try:
                await self.dispatch(event)
            except Exception:  # one bad event must not stop the monitors
                log.exception("monitor: could not dispatch %r", event)

    async def dispatch(self, event: Event) -> None:
        kind = event.get("type")
        if kind == STATUS and event.get("kind") == CREATED and event.get("reblog_of_id") is None:
            await self._status(int(event["id"]))
        elif kind == HANDLED:
            # Ids as strings: a 64-bit id is past what a JavaScript number holds exactly.
            payload = orjson.dumps({"status_id": str(event["status_id"]),
                                    **{k: event.get(k) for k in ("handled", "by", "at")}}).decode()
            for watcher in list(self._watchers.get(int(event["organisation_id"]), ())):
                watcher.deliver("handled", payload)
        elif kind == ASSIGNED:  # the card is fetched again, as for a mark
            payload = orjson.dumps({"status_id": str(event["status_id"]), "to": event.get("to")}).decode()
            for watcher in list(self._watchers.get(int(event["organisation_id"]), ())):
                watcher.deliver("assigned", payload)
        elif kind == WATCHES_CHANGED:
            self._rules.pop(int(event["organisation_id"]), None)
        elif kind == FAMILIES_CHANGED:  # a watched tag's family grew or shrank (decision 0063)
            self._rules.clear()

    async def _status(self, status_id: int) -> None:
        from madang.streaming.facts import load_status_facts

        async with self.db.read() as session:
            facts = await load_status_facts(session, status_id)
            if facts is None:
                return
            for organisation_id in list(self._watchers):
                rules = self._rules.get(organisation_id)
                if rules is None:
                    rules = self._rules[organisation_id] = await load_rules(session, organisation_id)
                why = reasons(rules, facts.post, facts.mention_ids, facts.tag_keys)
                if not why:
                    continue
                payload = orjson.dumps({"id": str(status_id), "reasons": why}).decode()
                for watcher in list(self._watchers.get(organisation_id, ())):
                    watcher.deliver("item", payload)
