"""Notification."""

from __future__ import annotations

from typing import Any

from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.formats import ts
from madang.mastodon_api.serializers.statuses import status_json
from madang.models import Account, Notification
from madang.notifications.groups import key_of
from madang.statuses.views import StatusView


def notification_json(n: Notification, sender: Account, status: StatusView | None, base_url: str) -> dict[str, Any]:
    return {
        "id": str(n.id),
        "type": n.type,
        "group_key": str(key_of(n)),  # the group /api/v2/notifications puts it in
        "created_at": ts(n.created_at),
        "account": account_json(sender, base_url),
        "status": status_json(status, base_url) if status is not None else None,
    }
