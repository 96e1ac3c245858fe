"""Where an edit or a deletion of a local post goes: every server that saw it (Mastodon's
StatusReachFinder; decision 0042). A post is seen by its author's followers, and also by the
accounts it replied to and mentioned, and — for a public or unlisted post, or for any post
when it is deleted (Mastodon's ``unsafe``) — by the accounts that boosted, favourited or
replied to it, and by the followers of local accounts that boosted it. A reply in a local
account's thread also went to that account's followers (the reply was forwarded there).

Only reads; the caller runs it inside its job, with no network I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Favourite, Follow, Mention, Status


def _distributable(status: Status) -> bool:
    return status.visibility in ("public", "unlisted")


async def _inboxes_of(session: AsyncSession, account_ids: Iterable[int]) -> set[str]:
    ids = sorted(set(account_ids))
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        rows = await session.execute(select(Account.shared_inbox_url, Account.inbox_url)
                                     .where(Account.id.in_(ids[start:start + 500]), Account.domain.is_not(None)))
        found.update(shared or inbox for shared, inbox in rows if shared or inbox)
    return found


async def followers_inboxes(session: AsyncSession, account_ids: Iterable[int]) -> set[str]:
    """The (shared) inboxes of the remote followers of these accounts."""
    ids = sorted(set(account_ids))
    if not ids:
        return set()
    rows = await session.execute(
        select(Account.shared_inbox_url, Account.inbox_url).join(Follow, Follow.account_id == Account.id)
        .where(Follow.target_account_id.in_(ids), Follow.remote.is_(True), Account.domain.is_not(None)).distinct())
    return {shared or inbox for shared, inbox in rows if shared or inbox}


async def reached_account_ids(session: AsyncSession, status: Status, *, unsafe: bool,
                              booster_ids: Iterable[int] = ()) -> set[int]:
    """Accounts that interacted with the post or were addressed by it (local ones included;
    the caller keeps the remote ones). ``booster_ids``: boosts already removed (a deletion
    removes them in its own unit, so its job is told who they were)."""
    ids: set[int] = set(await session.scalars(select(Mention.account_id).where(Mention.status_id == status.id)))
    if status.in_reply_to_account_id is not None and _distributable(status):
        ids.add(status.in_reply_to_account_id)
    if _distributable(status) or unsafe:
        ids.update(booster_ids)
        ids.update(await session.scalars(select(Status.account_id).where(Status.reblog_of_id == status.id)))
        ids.update(await session.scalars(select(Favourite.account_id).where(Favourite.status_id == status.id)))
        ids.update(await session.scalars(select(Status.account_id).where(Status.in_reply_to_id == status.id)))
    ids.discard(status.account_id)
    return ids


async def reach_inboxes(session: AsyncSession, status: Status, *, unsafe: bool,
                        booster_ids: Iterable[int] = ()) -> list[str]:
    """Every inbox that should hear of an edit (``unsafe`` False) or a deletion (True)."""
    booster_ids = list(booster_ids)
    reached = await reached_account_ids(session, status, unsafe=unsafe, booster_ids=booster_ids)
    inboxes = await _inboxes_of(session, reached)
    if status.visibility != "direct":
        owners = {status.account_id}
        if _distributable(status):
            if status.in_reply_to_account_id is not None:
                parent_local = await session.scalar(select(Account.id).where(
                    Account.id == status.in_reply_to_account_id, Account.domain.is_(None)))
                if parent_local is not None:
                    owners.add(parent_local)  # the thread's followers had the reply forwarded
            local_boosters = set(booster_ids) | set(await session.scalars(
                select(Status.account_id).where(Status.reblog_of_id == status.id, Status.local.is_(True))))
            if local_boosters:
                owners.update(await session.scalars(select(Account.id).where(
                    Account.id.in_(sorted(local_boosters)), Account.domain.is_(None))))
        inboxes |= await followers_inboxes(session, owners)
    return sorted(inboxes)

