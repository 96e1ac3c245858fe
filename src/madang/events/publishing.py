"""Publishing from use cases: an event goes out only after its transaction commits.

The bus rides on the write unit's ``session.info`` (``attach`` puts it in every unit a
Database opens), so use cases publish with the session they already have and need no
app object; with no bus attached (scripts, use-case tests) publishing does nothing.
"""

from __future__ import annotations

from typing import Any

from madang.db.database import Database, after_commit
from madang.events.bus import Event, EventBus

BUS_KEY = "madang.events.bus"


def attach(db: Database, bus: EventBus) -> None:
    db.session_info[BUS_KEY] = bus


async def open_bus(redis_url: str | None) -> EventBus:
    """In-process without Redis; across processes through Redis when a URL is set."""
    if redis_url:
        from madang.events.redis_bus import RedisEventBus  # redis-py only when it is used

        bus: EventBus = RedisEventBus(redis_url)
    else:
        bus = EventBus()
    await bus.start()
    return bus


def publish(session: Any, event: Event) -> None:
    """Sends ``event`` once the session's transaction commits; never on rollback."""
    bus = session.info.get(BUS_KEY)
    if bus is not None:
        after_commit(session, lambda: bus.publish(event))
