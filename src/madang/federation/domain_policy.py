"""What federation may do with a domain: the instance's domain blocks and each account's own
(madang.moderation.domain_blocks decides; this module only asks)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.moderation.domain_blocks import blocks_domain, domain_block_for, is_domain_suspended


async def is_suspended(session: AsyncSession, host: str) -> bool:
    return bool(host) and await is_domain_suspended(session, host)


async def is_silenced(session: AsyncSession, host: str) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and block.severity == "silence"


async def rejects_media(session: AsyncSession, host: str | None) -> bool:
    block = await domain_block_for(session, host)
    return block is not None and (block.reject_media or block.severity == "suspend")


async def blocked_by_account(session: AsyncSession, account_id: int, host: str | None) -> bool:
    return await blocks_domain(session, account_id=account_id, domain=host)
