"""Whether federation may talk to a domain: the instance's domain blocks (madang.moderation)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.moderation.domain_blocks import is_domain_suspended


async def is_suspended(session: AsyncSession, host: str) -> bool:
    return bool(host) and await is_domain_suspended(session, host)
