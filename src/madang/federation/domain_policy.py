"""What federation may do with a domain: the instance's domain blocks and each account's own
(madang.moderation.domain_blocks and .account_domain_blocks decide; this module only asks), and
in allow-list mode the instance's domain allows (madang.moderation.domain_allows; decision 0040)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.federation.config import CONFIG_KEY
from madang.moderation.account_domain_blocks import blocks_domain
from madang.moderation.domain_allows import ALLOWS_CACHE, load_allowed_domains
from madang.moderation.domain_blocks import (
    BLOCKS_CACHE,
    CACHE_SECONDS,
    covered_by,
    domain_block_for,
    load_suspended_domains,
)


async def _kept(db: Any, key: str, load: Callable[[AsyncSession], Awaitable[frozenset[str]]]) -> frozenset[str]:
    """A small set of domains from this process's copy while it is fresh (every inbox POST asks)."""
    holder = db.session_info.setdefault(key, {})
    now = time.monotonic()
    if holder.get("at", -1e9) > now - CACHE_SECONDS:
        return holder["domains"]
    async with db.read() as session:
        domains = await load(session)
    holder.update(at=now, domains=domains)
    return domains


async def suspended_hosts(db: Any) -> frozenset[str]:
    return await _kept(db, BLOCKS_CACHE, load_suspended_domains)


async def allowed_hosts(db: Any) -> frozenset[str]:
    return await _kept(db, ALLOWS_CACHE, load_allowed_domains)


def allowlist_mode(info: dict) -> bool:
    """MADANG_FEDERATION_MODE=allowlist, from a Database's session_info or a session's info."""
    config = info.get(CONFIG_KEY)
    return bool(getattr(config, "allowlist", False))


async def host_suspended(db: Any, host: str | None) -> bool:
    """Nothing is taken from, fetched from or sent to this host: its domain is suspended, or (in
    allow-list mode) not allowed — there, everything not allowed is treated as suspended."""
    if not host:
        return False
    if covered_by(await suspended_hosts(db), host):
        return True
    return allowlist_mode(db.session_info) and not covered_by(await allowed_hosts(db), host)


async def not_allowed(session: AsyncSession, hosts: Iterable[str]) -> set[str]:
    """Of these hosts, those allow-list mode refuses (none in block-list mode): for delivery."""
    hosts = set(hosts)
    if not hosts or not allowlist_mode(session.info):
        return set()
    allowed = await load_allowed_domains(session)
    return {host for host in hosts if not covered_by(allowed, host)}


async def is_silenced(session: AsyncSession, host: str) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and block.severity == "silence"


async def rejects_media(session: AsyncSession, host: str | None) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and (block.reject_media or block.severity == "suspend")


async def blocked_by_account(session: AsyncSession, account_id: int, host: str | None) -> bool:
    return await blocks_domain(session, account_id=account_id, domain=host)
