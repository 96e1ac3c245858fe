"""Web Push: subscriptions, the instance VAPID key, and delivering notifications to phones."""

from madang.push.config import PushConfig, attach
from madang.push.keys import ServerKey, ensure_server_key, find_server_key, public_key
from madang.push.subscriptions import (
    create_subscription,
    delete_subscription,
    find_subscription,
    get_subscription,
    update_subscription,
)

__all__ = [
    "PushConfig", "ServerKey", "attach", "create_subscription", "delete_subscription", "ensure_server_key",
    "find_server_key", "find_subscription", "get_subscription", "public_key", "update_subscription",
]
