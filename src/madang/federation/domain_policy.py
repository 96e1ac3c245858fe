"""What federation may do with a domain: the instance's domain blocks and each account's own
(madang.moderation.domain_blocks and .account_domain_blocks decide; this module only asks)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.moderation.account_domain_blocks import blocks_domain
from madang.moderation.domain_blocks import (
    BLOCKS_CACHE,
    CACHE_SECONDS,
    covered_by,
    domain_block_for,
    load_suspended_domains,
)


async def suspended_hosts(db: Any) -> frozenset[str]:
    """The suspended domains, from this process's copy while it is fresh (every inbox POST asks)."""
    holder = db.session_info.setdefault(BLOCKS_CACHE, {})
    now = time.monotonic()
    if holder.get("at", -1e9) > now - CACHE_SECONDS:
        return holder["domains"]
    async with db.read() as session:
        domains = await load_suspended_domains(session)
    holder.update(at=now, domains=domains)
    return domains


async def host_suspended(db: Any, host: str | None) -> bool:
    return bool(host) and covered_by(await suspended_hosts(db), host)


async def is_silenced(session: AsyncSession, host: str) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and block.severity == "silence"


async def rejects_media(session: AsyncSession, host: str | None) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and (block.reject_media or block.severity == "suspend")


async def blocked_by_account(session: AsyncSession, account_id: int, host: str | None) -> bool:
    return await blocks_domain(session, account_id=account_id, domain=host)
