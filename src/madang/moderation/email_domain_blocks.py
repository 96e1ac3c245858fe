"""E-mail domain blocks: sign-ups with an address at a blocked domain (or a subdomain) are refused.

The check itself runs in the sign-up use case (madang.accounts.registration.check_email_domain),
below this package; here the moderators keep the list."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.models import Account
from madang.models.moderation_admin import EmailDomainBlock
from madang.moderation.audit import record_action
from madang.moderation.permissions import require_admin

# Labels of letters (any script: 한국.kr is a domain), digits and hyphens, at least two of them.
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_][\w-]{0,62}")
DOMAIN_INVALID = "Domain is not valid"
ALREADY_BLOCKED = "This domain is already blocked"


def normalise_domain(domain: str) -> str:
    """'@Spam.Example', '*.spam.example' and 'spam.example.' all mean spam.example."""
    value = domain.strip().lower().lstrip("@").removeprefix("*.").rstrip(".")
    if len(value) > 253 or not _DOMAIN.fullmatch(value):
        raise Invalid(DOMAIN_INVALID, field="domain")
    return value


async def block_email_domain(session: AsyncSession, *, actor: Account, domain: str) -> EmailDomainBlock:
    await require_admin(session, actor)
    value = normalise_domain(domain)
    if await session.scalar(select(EmailDomainBlock.id).where(EmailDomainBlock.domain == value)) is not None:
        raise Conflict(ALREADY_BLOCKED, field="domain")
    block = EmailDomainBlock(domain=value, created_by_id=actor.id, created_at=utcnow())
    try:
        async with session.begin_nested():  # a concurrent block of the same domain
            session.add(block)
    except IntegrityError:
        raise Conflict(ALREADY_BLOCKED, field="domain") from None
    await record_action(session, actor=actor, action="block_email_domain", details={"domain": value})
    return block


async def unblock_email_domain(session: AsyncSession, *, actor: Account, block_id: int) -> str:
    await require_admin(session, actor)
    block = await session.get(EmailDomainBlock, block_id)
    if block is None:
        raise NotFound("Record not found")
    domain = block.domain
    await session.execute(delete(EmailDomainBlock).where(EmailDomainBlock.id == block.id))
    session.expunge(block)
    await record_action(session, actor=actor, action="unblock_email_domain", details={"domain": domain})
    return domain


async def list_email_domain_blocks(session: AsyncSession) -> list[EmailDomainBlock]:
    return list(await session.scalars(select(EmailDomainBlock).order_by(EmailDomainBlock.domain)))
