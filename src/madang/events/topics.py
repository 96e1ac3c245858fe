"""What the events madang publishes carry: ids and the facts needed to route them."""

from __future__ import annotations

from typing import Any

from madang.events.bus import Event

STATUS = "status"
NOTIFICATION = "notification"
# Mastodon's streaming event names, used as the status event's ``kind``.
CREATED, EDITED, DELETED = "update", "status.update", "delete"


def status_event(kind: str, status: Any) -> Event:
    """``status`` is a models.Status; a boost carries its original's id."""
    return {"type": STATUS, "kind": kind, "id": status.id, "account_id": status.account_id,
            "visibility": status.visibility, "reblog_of_id": status.reblog_of_id}


def notification_event(notification_id: int, recipient_id: int) -> Event:
    return {"type": NOTIFICATION, "id": notification_id, "account_id": recipient_id}
