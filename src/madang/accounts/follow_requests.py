"""Follow requests to locked accounts: accepting, rejecting, listing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follows import announce_follow, create_follow
from madang.accounts.pagination import list_linked_accounts
from madang.accounts.rows import find_pair, pair_of
from madang.core.errors import NotFound
from madang.jobs import enqueue
from madang.models import Account, Follow, FollowRequest


async def _get_request(session: AsyncSession, account: Account, requester: Account) -> FollowRequest:
    request = await find_pair(session, FollowRequest, requester.id, account.id)
    if request is None:
        raise NotFound("Follow request not found")
    return request


async def authorize_follow_request(session: AsyncSession, *, account: Account, requester: Account) -> Follow:
    """``account`` accepts ``requester``'s request: the request becomes a follow."""
    request = await _get_request(session, account, requester)
    follow, created = await create_follow(
        session, follower=requester, target=account,
        show_reblogs=request.show_reblogs, notify=request.notify,
    )
    if created:
        # The target already saw the request; the follower's timeline still fills in.
        await announce_follow(session, follow, notify_target=False)
    if requester.domain is not None:  # the requester's server hears the answer
        follow.uri, follow.remote = request.uri, True
        await enqueue(session, "federation.follow_answered",
                      {"account_id": account.id, "requester_id": requester.id, "uri": request.uri, "accepted": True})
    # create_follow removes the request when it makes the follow; not when the follow
    # already existed, so remove it here too.
    await session.execute(delete(FollowRequest).where(pair_of(FollowRequest, requester.id, account.id)))
    await session.flush()
    return follow


async def reject_follow_request(session: AsyncSession, *, account: Account, requester: Account) -> None:
    """NotFound when there is no such request, as Mastodon answers."""
    request = await _get_request(session, account, requester)
    if requester.domain is not None:
        await enqueue(session, "federation.follow_answered",
                      {"account_id": account.id, "requester_id": requester.id, "uri": request.uri, "accepted": False})
    await session.execute(delete(FollowRequest).where(pair_of(FollowRequest, requester.id, account.id)))
    await session.flush()


async def list_follow_requests(session: AsyncSession, *, account: Account, **page: Any) -> list[tuple[int, Account]]:
    """(FollowRequest.id as cursor, requester), newest request first."""
    return await list_linked_accounts(session, link_id=FollowRequest.id, owner=FollowRequest.target_account_id,
                                      other=FollowRequest.account_id, owner_id=account.id, **page)


async def count_follow_requests(session: AsyncSession, *, account: Account, cap: int = 100) -> int:
    """Requests waiting for ``account``, counted up to ``cap`` (a nav badge needs no more)."""
    waiting = select(FollowRequest.id).where(FollowRequest.target_account_id == account.id).limit(cap).subquery()
    return int(await session.scalar(select(func.count()).select_from(waiting)) or 0)


async def pending_requester_ids(session: AsyncSession, *, account_id: int, requester_ids: set[int]) -> set[int]:
    """Which of ``requester_ids`` still wait for ``account_id``'s answer."""
    if not requester_ids:
        return set()
    return set(await session.scalars(select(FollowRequest.account_id).where(
        FollowRequest.target_account_id == account_id, FollowRequest.account_id.in_(requester_ids))))
