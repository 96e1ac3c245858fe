"""Publish/subscribe of live events: in-process, or through Redis across processes."""

from madang.events.bus import Event, EventBus
from madang.events.publishing import BUS_KEY, attach, open_bus, publish
from madang.events.topics import CREATED, DELETED, EDITED, notification_event, status_event

__all__ = ["BUS_KEY", "CREATED", "DELETED", "EDITED", "Event", "EventBus", "attach", "notification_event",
           "open_bus", "publish", "status_event"]
