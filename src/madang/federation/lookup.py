"""What a search with resolve=true may find elsewhere: ``@user@host`` or a pasted https URL."""

from __future__ import annotations

from typing import Any

from madang.core.settings import Settings
from madang.federation.config import FederationConfig
from madang.federation.domain_policy import host_suspended
from madang.federation.parse import ParseError, host_of
from madang.federation.remote_posts import resolve_url
from madang.federation.resolve import parse_acct, resolve_account
from madang.models import Account, Status


async def resolve_remote(db: Any, settings: Settings, query: str) -> Account | Status | None:
    if not settings.federation:
        return None
    config = FederationConfig.from_settings(settings)
    query = query.strip()
    if query.startswith("https://"):
        try:
            host = host_of(query)
        except ParseError:
            return None
        if await host_suspended(db, host):
            return None  # suspended, or not allowed in allow-list mode: not even a known row
        return await resolve_url(db, config, query)
    parsed = parse_acct(query)
    if parsed is None or parsed[1] == config.host.lower() or await host_suspended(db, parsed[1]):
        return None
    return await resolve_account(db, config, query)
