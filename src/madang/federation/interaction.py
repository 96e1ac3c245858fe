"""What a remote-interaction link names (Mastodon's /authorize_interaction?uri=…, advertised in
WebFinger as the OStatus subscribe template; decision 0040): an account or a post given as an
ActivityPub id, a web URL, or ``user@host``, local or remote. Remote ones are found through the
same resolver as search with resolve=true (so domain blocks and allow-list mode apply)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from madang.accounts import find_account_by_acct
from madang.core.settings import Settings
from madang.federation.config import FederationConfig
from madang.federation.lookup import resolve_remote
from madang.federation.resolve import parse_acct
from madang.federation.uris import local_status_id, local_username
from madang.models import Account, Status

MAX_URI = 2000


async def _local(session: Any, config: FederationConfig, text: str) -> Account | Status | None:
    if config.is_local(text):
        status_id = local_status_id(config.base_url, text)
        if status_id is not None:
            return await session.scalar(select(Status).where(Status.id == status_id, Status.local.is_(True),
                                                             Status.deleted_at.is_(None)))
        username = local_username(config.base_url, text)
        return await find_account_by_acct(session, username, local_domain=config.host) if username else None
    parsed = parse_acct(text)
    if parsed is not None and parsed[1] == config.host.lower():
        return await find_account_by_acct(session, parsed[0], local_domain=config.host)
    return None


async def find_interaction_target(db: Any, settings: Settings, uri: str) -> Account | Status | None:
    """The account or post ``uri`` names: local ones from the database, remote ones resolved
    (WebFinger or a signed fetch) when not known. None when nothing usable is found."""
    text = uri.strip()[:MAX_URI]
    if not text:
        return None
    config = FederationConfig.from_settings(settings)
    async with db.read() as session:
        found = await _local(session, config, text)
    if found is not None or config.is_local(text):
        return found
    return await resolve_remote(db, settings, text)
