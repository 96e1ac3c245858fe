"""Whom to follow: friends of friends from the local graph, then the city's official accounts.

Friends of friends are the accounts followed by the accounts one follows, ranked by how many
of them follow each. The city's organisation and verified accounts follow, so a new user
who follows no one yet is offered them. Never suggested: oneself, accounts one follows or
asked to follow, blocked either way or muted, dismissed, suspended or not discoverable.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.accounts.policies import hidden_account_ids_query
from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.models import Account, Follow, FollowRequest, SuggestionDismissal

FRIENDS_OF_FRIENDS = "friends_of_friends"
FEATURED = "featured"  # Mastodon's source for staff-picked accounts: here, the city's own


@dataclass(frozen=True)
class Suggestion:
    account: Account
    sources: tuple[str, ...]


def _suggestible(account_id: int) -> list:
    # Separate NOT INs: SQLite cannot nest the hidden-accounts UNION inside another one.
    excluded = (
        union(select(Follow.target_account_id).where(Follow.account_id == account_id),
              select(FollowRequest.target_account_id).where(FollowRequest.account_id == account_id),
              select(SuggestionDismissal.target_account_id).where(SuggestionDismissal.account_id == account_id)),
        hidden_account_ids_query(account_id),
    )
    return [Account.id != account_id, *(Account.id.not_in(q) for q in excluded), Account.suspended_at.is_(None),
            Account.discoverable.is_(True)]


async def list_suggestions(session: AsyncSession, *, account_id: int, limit: int = 40) -> list[Suggestion]:
    mine = aliased(Follow)
    theirs = aliased(Follow)
    ranked = (select(theirs.target_account_id.label("id"), func.count(theirs.account_id).label("n"))
              .join(mine, mine.target_account_id == theirs.account_id)
              .where(mine.account_id == account_id)
              .group_by(theirs.target_account_id).subquery())
    friends = list(await session.scalars(
        select(Account).join(ranked, ranked.c.id == Account.id).where(*_suggestible(account_id))
        .order_by(ranked.c.n.desc(), Account.followers_count.desc(), Account.id).limit(limit)))
    official = list(await session.scalars(
        select(Account).where(or_(Account.organisation.is_(True), Account.verified_at.is_not(None)),
                              Account.domain.is_(None), *_suggestible(account_id))
        .order_by(Account.followers_count.desc(), Account.id).limit(limit)))
    sources: dict[int, list[str]] = {}
    accounts: dict[int, Account] = {}
    for source, rows in ((FRIENDS_OF_FRIENDS, friends), (FEATURED, official)):
        for a in rows:
            accounts[a.id] = a
            sources.setdefault(a.id, []).append(source)
    return [Suggestion(accounts[i], tuple(s)) for i, s in list(sources.items())[:limit]]


async def dismiss_suggestion(session: AsyncSession, *, account_id: int, target_account_id: int) -> None:
    """Idempotent; an unknown account is a 404, as Mastodon's find."""
    if await session.get(Account, target_account_id) is None:
        raise NotFound("Record not found")
    await session.execute(insert_ignore(session, SuggestionDismissal.__table__).values(
        id=new_id(), account_id=account_id, target_account_id=target_account_id, created_at=utcnow()))
