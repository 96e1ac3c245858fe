"""The event bus across processes: one Redis pub/sub channel every process listens on.

A process's own events come back to it through Redis like everyone else's, so every
listener sees one order of events. Publishing never waits for Redis: events queue for a
sender task, so a request's after-commit step stays synchronous and quick.

When Redis is gone (issue 16, decision 0058) the bus falls back to in-process delivery: while the
subscription is down, and for an event Redis refused, the event goes straight to this process's
own listeners, so its live streams keep hearing what is posted through it (other processes miss
it: streams are best effort, timelines read from the database stay complete). Once the
subscription is back, events go through Redis again. Before this, the sender retried its first
event forever and every stream of every process fell silent until Redis returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
import redis.asyncio as aioredis

from madang.events.bus import Event, EventBus

log = logging.getLogger(__name__)

CHANNEL = "madang:events"
# A Redis that is down must not grow memory without end: past this, events are dropped
# (live streams are best effort; timelines read from the database stay complete).
MAX_PENDING = 10_000


class RedisEventBus(EventBus):
    def __init__(self, url: str, *, channel: str = CHANNEL) -> None:
        super().__init__()
        self.url = url
        self.channel = channel
        self._redis: aioredis.Redis | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue(MAX_PENDING)
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()

    def publish(self, event: Event) -> None:
        if not self._subscribed.is_set():  # Redis is away: what we sent would not come back to us
            self._deliver(event)
            return
        try:
            self._outbox.put_nowait(orjson.dumps(event))
        except asyncio.QueueFull:
            log.warning("redis event bus: %d events pending, dropping one", MAX_PENDING)

    async def start(self) -> None:
        # A Redis that does not answer a connection must not hold the sender for long.
        self._redis = aioredis.from_url(self.url, socket_connect_timeout=2)
        self._tasks = [asyncio.create_task(self._send_forever()), asyncio.create_task(self._receive_forever())]
        # Listening before the first request is served: an event published right after
        # start-up must not be missed by this process's own streams.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 5)

    async def _send_forever(self) -> None:
        assert self._redis is not None
        while True:
            data = await self._outbox.get()
            try:
                await self._redis.publish(self.channel, data)
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError):
                # Not retried (a retry would hold up every later event, and could arrive twice):
                # it reaches this process's listeners directly, as while the subscription is down.
                # The subscription's own loss is noticed (and logged) by _receive_forever.
                log.debug("redis event bus: publish failed; delivered in this process only")
                self._deliver(orjson.loads(data))

    async def _receive_forever(self) -> None:
        assert self._redis is not None
        lost = False  # said once per outage, not every half second
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    if lost:
                        log.warning("redis event bus: Redis is back; events go through it again")
                        lost = False
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        try:
                            event = orjson.loads(message["data"])
                        except orjson.JSONDecodeError:
                            continue
                        self._deliver(event)
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError):
                self._subscribed.clear()  # publish() delivers in this process meanwhile
                if not lost:
                    log.warning("redis event bus: connection lost; live events stay in this process "
                                "until Redis is back")
                    lost = True
                await asyncio.sleep(0.5)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._redis is not None:
            await self._redis.aclose()
        await super().close()
