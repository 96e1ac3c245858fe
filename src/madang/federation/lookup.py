"""What a search with resolve=true may find elsewhere: ``@user@host`` or a pasted https URL."""

from __future__ import annotations

from typing import Any

from madang.core.settings import Settings
from madang.federation.config import FederationConfig
from madang.federation.remote_posts import resolve_url
from madang.federation.resolve import parse_acct, resolve_account
from madang.models import Account, Status


async def resolve_remote(db: Any, settings: Settings, query: str) -> Account | Status | None:
    if not settings.federation:
        return None
    config = FederationConfig.from_settings(settings)
    query = query.strip()
    if query.startswith("https://"):
        return await resolve_url(db, config, query)
    parsed = parse_acct(query)
    if parsed is None or parsed[1] == config.host.lower():
        return None
    return await resolve_account(db, config, query)
