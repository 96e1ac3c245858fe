"""Domain allows (decision 0040): the servers a city chose to federate with, used when
MADANG_FEDERATION_MODE is ``allowlist`` (Mastodon's limited federation mode, GoToSocial's
allowlist mode). There, a server that is not allowed is treated as a suspended one, both ways:
its activities are refused at the inbox, nothing is fetched from or delivered to it.

An allow of ``example.com`` covers its subdomains, as a block does (GoToSocial's rule; Mastodon
matches the exact domain only). A suspending block beats an allow (GoToSocial's allowlist mode):
an allowed server that misbehaves can still be suspended without removing the allow.

Changing the allows is for admins only, and each change is a row in the audit log. The list is
kept per process for the hot path like the suspended domains (``ALLOWS_CACHE``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.db.after_commit import forget_after_commit
from madang.db.paging import Page, fetch_page
from madang.models import Account, DomainAllow
from madang.moderation.audit import record_action
from madang.moderation.domain_blocks import covered_by, normalise_domain, sever_follows
from madang.moderation.permissions import require_admin

MODES = ("blocklist", "allowlist")

# The allowed domains' per-process copy (madang.federation.domain_policy keeps it in the
# Database's session_info under this key, shared with its write units): every change made here
# empties it; other processes read it again after CACHE_SECONDS (the suspended domains' 2 s).
ALLOWS_CACHE = "moderation.domain_allows.allowed"


def forget_cached_allows(session: AsyncSession) -> None:
    forget_after_commit(session, session.info.get(ALLOWS_CACHE))


async def load_allowed_domains(session: AsyncSession) -> frozenset[str]:
    """Every allowed domain (a small set: a city lists the servers it chose)."""
    return frozenset(await session.scalars(select(DomainAllow.domain)))


async def find_domain_allow(session: AsyncSession, domain: str) -> DomainAllow | None:
    return await session.scalar(select(DomainAllow).where(DomainAllow.domain == domain))


async def allow_domain(session: AsyncSession, *, actor: Account, domain: Any) -> tuple[DomainAllow, bool]:
    """Allow ``domain``; idempotent as Mastodon's (an allowed domain answers with its row).
    Returns the row and whether it is new (only a new allow is logged)."""
    await require_admin(session, actor)
    value = normalise_domain(domain)
    existing = await find_domain_allow(session, value)
    if existing is not None:
        return existing, False
    now = utcnow()
    row = DomainAllow(domain=value, created_at=now, updated_at=now)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same allow, made by a concurrent request
        found = await find_domain_allow(session, value)
        if found is None:
            raise
        return found, False
    forget_cached_allows(session)
    await record_action(session, actor=actor, action="allow_domain", details={"domain": value})
    return row, True


async def _allow(session: AsyncSession, allow_id: int) -> DomainAllow:
    row = await session.get(DomainAllow, allow_id)
    if row is None:
        raise NotFound("Record not found")
    return row


async def get_domain_allow(session: AsyncSession, *, actor: Account, allow_id: int) -> DomainAllow:
    await require_admin(session, actor)
    return await _allow(session, allow_id)


async def disallow_domain(session: AsyncSession, *, actor: Account, allow_id: int, mode: str = "blocklist") -> str:
    """The allow goes. In allow-list mode the server is then cut off as a suspended one is: every
    follow between its accounts and local ones ends, both ways (Mastodon removes the domain's
    accounts altogether), unless a remaining allow of a parent domain still covers it. Returns
    the domain."""
    await require_admin(session, actor)
    row = await _allow(session, allow_id)
    domain = row.domain
    await session.execute(delete(DomainAllow).where(DomainAllow.id == row.id))
    session.expunge(row)
    forget_cached_allows(session)
    severed = 0
    if mode == "allowlist" and not covered_by(await load_allowed_domains(session), domain):
        severed = await sever_follows(session, domain)
    await record_action(session, actor=actor, action="disallow_domain",
                        details={"domain": domain, "severed_follows": severed})
    return domain


async def list_domain_allows(session: AsyncSession, *, actor: Account, page: Page | None = None) -> list[DomainAllow]:
    """By domain without a page (the admin page, the export); newest first a page at a time."""
    await require_admin(session, actor)
    if page is None:
        return list(await session.scalars(select(DomainAllow).order_by(DomainAllow.domain)))
    return await fetch_page(session, select(DomainAllow), DomainAllow.id, page)
