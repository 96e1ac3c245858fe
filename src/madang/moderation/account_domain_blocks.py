"""Each account's own domain blocks (Mastodon's /api/v1/domain_blocks, decisions 0039 and 0044).

A block of ``example.com`` covers its subdomains, and domains are kept in the form the
instance's blocks use (madang.moderation.domain_blocks.normalise_domain).

What a block hides is read, not written: every status query for a viewer (timelines, lists,
search, trends, conversations, the context) carries madang.accounts.policies'
``not_on_blocked_domain``, and the streaming relations carry the blocks. What it ends is
written here, at once: the domain's followers of the account and their requests (each gets a
Reject{Follow}, sent by federation's ``federation.follow_answered`` job) and the
notifications from the domain (new ones are not written: madang.notifications.create)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follows import remove_follow
from madang.accounts.policies import not_on_blocked_domain
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.db.paging import Page, fetch_page
from madang.jobs import enqueue
from madang.models import Account, Follow, FollowRequest, Notification, Status
from madang.models.account_domain_blocks import AccountDomainBlock
from madang.moderation.domain_blocks import accounts_under, normalise_domain

# Mastodon's limits for the list (default 100, at most 200 a page).
ACCOUNT_LIST_DEFAULT, ACCOUNT_LIST_MAX = 100, 200


def _lenient(domain: str | None) -> str | None:
    """A remote domain as stored (an account's, an actor id's host): normalised, or None."""
    if not domain:
        return None
    try:
        return normalise_domain(domain.split(":", 1)[0])
    except Invalid:
        return None


def _with_parents(domain: str) -> list[str]:
    """'a.b.example' -> ['a.b.example', 'b.example', 'example']."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


async def block_domain_for_account(session: AsyncSession, *, account: Account, domain: Any) -> AccountDomainBlock:
    """Idempotent. The account's followers from that domain (and its subdomains) are removed and
    their pending follow requests dropped, each with a Reject sent to its server, and the
    account's notifications from the domain deleted, as Mastodon does."""
    value = normalise_domain(domain)
    existing = await session.scalar(select(AccountDomainBlock).where(
        AccountDomainBlock.account_id == account.id, AccountDomainBlock.domain == value))
    if existing is not None:
        return existing
    row = AccountDomainBlock(account_id=account.id, domain=value, created_at=utcnow())
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same block, made by a concurrent request
        found = await session.scalar(select(AccountDomainBlock).where(
            AccountDomainBlock.account_id == account.id, AccountDomainBlock.domain == value))
        if found is None:
            raise
        return found
    await _end_ties(session, account, value)
    await session.flush()
    return row


async def _reject(session: AsyncSession, account: Account, requester: Account, uri: str | None) -> None:
    """The remote server hears that its account no longer follows (Mastodon sends a
    Reject{Follow} for each follower and request it drops)."""
    if requester.domain is not None:
        await enqueue(session, "federation.follow_answered",
                      {"account_id": account.id, "requester_id": requester.id, "uri": uri, "accepted": False})


async def _end_ties(session: AsyncSession, account: Account, domain: str) -> None:
    """Mastodon's AfterBlockDomainFromAccountService, less the removal of the account's own
    follows there (kept, as its API documentation says; their posts are hidden meanwhile)."""
    followers = list(await session.execute(select(Account, Follow.uri).join(Follow, Follow.account_id == Account.id)
                                           .where(Follow.target_account_id == account.id, accounts_under(domain))))
    for follower, uri in followers:
        await remove_follow(session, follower=follower, target=account)
        await _reject(session, account, follower, uri)
    requests = list(await session.execute(
        select(Account, FollowRequest.uri).join(FollowRequest, FollowRequest.account_id == Account.id)
        .where(FollowRequest.target_account_id == account.id, accounts_under(domain))))
    for requester, uri in requests:
        await _reject(session, account, requester, uri)
    if requests:
        await session.execute(delete(FollowRequest).where(
            FollowRequest.target_account_id == account.id,
            FollowRequest.account_id.in_([r.id for r, _ in requests])).execution_options(synchronize_session=False))
    await session.execute(delete(Notification).where(
        Notification.account_id == account.id,
        Notification.from_account_id.in_(select(Account.id).where(accounts_under(domain))))
        .execution_options(synchronize_session=False))


async def unblock_domain_for_account(session: AsyncSession, *, account: Account, domain: Any) -> None:
    """Idempotent; removed followers do not come back."""
    value = normalise_domain(domain)
    await session.execute(delete(AccountDomainBlock).where(
        AccountDomainBlock.account_id == account.id, AccountDomainBlock.domain == value))


async def list_account_domain_blocks(
    session: AsyncSession, *, account: Account, max_id: int | None = None, since_id: int | None = None,
    min_id: int | None = None, limit: int = ACCOUNT_LIST_DEFAULT,
) -> list[AccountDomainBlock]:
    """Newest first; the row id is the cursor (Link headers)."""
    page = Page(max_id=max_id, since_id=since_id, min_id=min_id, limit=max(1, min(int(limit), ACCOUNT_LIST_MAX)))
    stmt = select(AccountDomainBlock).where(AccountDomainBlock.account_id == account.id)
    return await fetch_page(session, stmt, AccountDomainBlock.id, page)


async def blocks_domain(session: AsyncSession, *, account_id: int, domain: str | None) -> bool:
    """Does the account block ``domain`` (or a parent of it)?"""
    value = _lenient(domain)
    if value is None:
        return False
    return bool(await session.scalar(select(exists().where(
        AccountDomainBlock.account_id == account_id, AccountDomainBlock.domain.in_(_with_parents(value))))))


def not_domain_blocked_by(viewer_id: int) -> ColumnElement[bool]:
    """A clause for status queries: the author's server is not one ``viewer_id`` blocked."""
    return not_on_blocked_domain(viewer_id, Status.account_id)
