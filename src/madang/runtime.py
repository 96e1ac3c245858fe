"""What every surface of a running app can reach: settings, the database, shared helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from madang.auth.throttle import LoginThrottle
from madang.auth.token_cache import TokenCache
from madang.core.settings import Settings
from madang.db import Database
from madang.events import EventBus


@dataclass
class AppContext:
    settings: Settings
    db: Database
    login_throttle: LoginThrottle
    # Token lookups, shared by every request of this process (see auth.token_cache).
    token_cache: TokenCache = field(default_factory=TokenCache)
    # Live events of this process (in-process, or Redis across processes); see madang.events.
    events: EventBus = field(default_factory=EventBus)
    extras: dict[str, Any] = field(default_factory=dict)


def ctx_of(conn: HTTPConnection) -> AppContext:
    return conn.app.state.ctx
