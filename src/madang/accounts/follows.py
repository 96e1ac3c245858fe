"""Following and unfollowing, and the follower/following lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.counters import adjust_follow_counts
from madang.accounts.pagination import list_linked_accounts
from madang.accounts.policies import blocked_either_way
from madang.accounts.rows import feed_entries_posted_by, find_pair, insert_pair, pair_of
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.jobs import enqueue
from madang.models import Account, Block, Follow, FollowRequest, HomeFeedEntry, List, ListAccount


@dataclass
class FollowResult:
    """What happened, so the caller can notify the target: a ``follow`` notification
    when ``following`` became true, a ``follow_request`` one when ``requested``."""

    following: bool
    requested: bool
    follow: Follow | None
    request: FollowRequest | None
    # False when the call only changed options on an existing follow or request.
    created: bool = False


async def create_follow(
    session: AsyncSession, *, follower: Account, target: Account, show_reblogs: bool, notify: bool
) -> tuple[Follow, bool]:
    """The follow from ``follower`` to ``target``, made if missing (counts bumped and any
    pending request for the pair removed). Second element: whether it was made now."""
    row = Follow(
        account_id=follower.id,
        target_account_id=target.id,
        created_at=utcnow(),
        show_reblogs=show_reblogs,
        notify=notify,
    )
    follow, created = await insert_pair(session, row)
    if created:
        await adjust_follow_counts(session, follower=follower, target=target, delta=1)
        await session.execute(delete(FollowRequest).where(pair_of(FollowRequest, follower.id, target.id)))
    return follow, created


async def remove_follow(session: AsyncSession, *, follower: Account, target: Account) -> bool:
    """Delete the follow if there is one. The DELETE's row count, not an earlier read,
    decides the count change, so two concurrent unfollows decrement once."""
    result = await session.execute(delete(Follow).where(pair_of(Follow, follower.id, target.id)))
    if result.rowcount:
        await adjust_follow_counts(session, follower=follower, target=target, delta=-1)
    # Lists hold only followed accounts (as on Mastodon): the target leaves the follower's
    # lists. Plain SQL here, since madang.lists sits above accounts.
    await session.execute(
        delete(ListAccount).where(ListAccount.account_id == target.id,
                                  ListAccount.list_id.in_(select(List.id).where(List.account_id == follower.id)))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _options(row: Follow | FollowRequest, reblogs: bool | None, notify: bool | None) -> None:
    if reblogs is not None:
        row.show_reblogs = reblogs
    if notify is not None:
        row.notify = notify


async def follow_account(
    session: AsyncSession,
    *,
    account: Account,
    target: Account,
    reblogs: bool | None = True,
    notify: bool | None = False,
) -> FollowResult:
    """Follow at once, or ask to when the target is locked. Again on an existing follow
    or request it only updates the options (None leaves one as it is)."""
    if account.id == target.id:
        raise Invalid("You cannot follow yourself", field="account_id")
    if await blocked_either_way(session, account.id, target.id):
        raise Forbidden("You cannot follow this account")

    follow = await find_pair(session, Follow, account.id, target.id)
    created = False
    # A remote account is only followed once its server accepts: until then, a request.
    if follow is None and not target.locked and target.domain is None:
        follow, created = await create_follow(
            session, follower=account, target=target,
            show_reblogs=reblogs is not False, notify=bool(notify),
        )
    if follow is not None:
        _options(follow, reblogs, notify)
        await session.flush()
        if created:
            await announce_follow(session, follow)
        return FollowResult(following=True, requested=False, follow=follow, request=None, created=created)

    request = await find_pair(session, FollowRequest, account.id, target.id)
    if request is None:
        row = FollowRequest(
            account_id=account.id, target_account_id=target.id, created_at=utcnow(),
            show_reblogs=reblogs is not False, notify=bool(notify),
        )
        request, created = await insert_pair(session, row)
    _options(request, reblogs, notify)
    await session.flush()
    if created and target.domain is not None:
        await enqueue(session, "federation.follow", {"follow_request_id": request.id})
    elif created:
        await enqueue(session, "notifications.follow_requested", {"follow_request_id": request.id})
    return FollowResult(following=False, requested=True, follow=None, request=request, created=created)


async def announce_follow(session: AsyncSession, follow: Follow, *, notify_target: bool = True) -> None:
    """Jobs that follow a new follow: the target's notification and the target's recent
    posts merged into the follower's home timeline (by name: timelines sits above us)."""
    if notify_target:
        await enqueue(session, "notifications.followed", {"follow_id": follow.id})
    await enqueue(session, "timelines.merge_account",
                  {"account_id": follow.account_id, "target_id": follow.target_account_id})


async def unfollow_account(session: AsyncSession, *, account: Account, target: Account) -> None:
    """Idempotent; also withdraws a pending request and clears the target's posts from
    the account's home feed."""
    if account.id == target.id:
        return  # never clear one's own posts from one's own feed
    if target.domain is not None and account.domain is None:
        row = await find_pair(session, Follow, account.id, target.id) or \
            await find_pair(session, FollowRequest, account.id, target.id)
        if row is not None:
            await enqueue(session, "federation.unfollow",
                          {"account_id": account.id, "target_id": target.id, "uri": row.uri})
    await remove_follow(session, follower=account, target=target)
    await session.execute(delete(FollowRequest).where(pair_of(FollowRequest, account.id, target.id)))
    # What the target posted or boosted leaves the feed; one's own boosts of the target's
    # posts and other followees' boosts stay, as on Mastodon.
    await session.execute(
        delete(HomeFeedEntry).where(feed_entries_posted_by(account.id, target.id))
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def _hidden_from(session: AsyncSession, account: Account, viewer: Account | None) -> bool:
    # As Mastodon: a suspended account's lists are empty, and so are anyone's lists to
    # a viewer they block.
    if account.suspended_at is not None:
        return True
    if viewer is None or viewer.id == account.id:
        return False
    return bool(await session.scalar(select(exists().where(pair_of(Block, account.id, viewer.id)))))


async def list_followers(
    session: AsyncSession, *, account: Account, viewer: Account | None, **page: Any
) -> list[tuple[int, Account]]:
    """(Follow.id as cursor, follower), newest follow first."""
    if await _hidden_from(session, account, viewer):
        return []
    return await list_linked_accounts(session, link_id=Follow.id, owner=Follow.target_account_id,
                                      other=Follow.account_id, owner_id=account.id,
                                      where=(Account.suspended_at.is_(None),), **page)


async def list_following(
    session: AsyncSession, *, account: Account, viewer: Account | None, **page: Any
) -> list[tuple[int, Account]]:
    """(Follow.id as cursor, followed account), newest follow first."""
    if await _hidden_from(session, account, viewer):
        return []
    return await list_linked_accounts(session, link_id=Follow.id, owner=Follow.account_id,
                                      other=Follow.target_account_id, owner_id=account.id,
                                      where=(Account.suspended_at.is_(None),), **page)
