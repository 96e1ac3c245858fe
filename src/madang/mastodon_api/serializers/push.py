"""WebPushSubscription."""

from __future__ import annotations

from typing import Any

from madang.models.push import WebPushSubscription
from madang.push.rules import ALERT_TYPES


def subscription_json(row: WebPushSubscription, server_key: str) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "endpoint": row.endpoint,
        "standard": row.standard,
        # Every type, on or off: Mastodon's schema requires them all.
        "alerts": {name: bool(row.alerts.get(name, False)) for name in ALERT_TYPES},
        "server_key": server_key,
        "policy": row.policy,
    }
