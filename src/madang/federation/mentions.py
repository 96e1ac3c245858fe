"""``@user@host`` in a post: the remote accounts it names, found before the post's write unit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from madang.core.settings import Settings
from madang.federation.config import FederationConfig
from madang.federation.resolve import resolve_account
from madang.text.tokens import MentionToken

MAX_LOOKUPS = 5
TIMEOUT_SECONDS = 5.0


async def resolve_mentioned(db: Any, settings: Settings, mentions: Iterable[MentionToken]) -> None:
    """Known remote accounts cost one read; unknown ones a WebFinger and a fetch each, at most
    MAX_LOOKUPS of them together within TIMEOUT_SECONDS (what is not found stays text)."""
    if not settings.federation:
        return
    config = FederationConfig.from_settings(settings)
    local = config.host.lower()
    wanted = sorted({f"{m.username}@{m.domain}" for m in mentions if m.domain and m.domain != local})[:MAX_LOOKUPS]
    if not wanted:
        return
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await asyncio.gather(*(resolve_account(db, config, acct) for acct in wanted), return_exceptions=True)
    except TimeoutError:
        pass  # what was not found in time stays text, as an unknown account does
