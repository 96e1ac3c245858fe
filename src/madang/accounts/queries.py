"""Looking accounts up: by id, by acct, by a batch of usernames."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.fast_select import FastSelect
from madang.db.replicas import replica_read
from madang.models import Account, User


async def find_account(session: AsyncSession, account_id: int) -> Account | None:
    return await with_moved(session, await session.get(Account, account_id))


# An account's posts are asked for as often as a timeline; they need only its id.
_SHOWN_ACCOUNT = FastSelect(select(Account.id).where(Account.id == bindparam("id"), Account.suspended_at.is_(None)),
                            name="AccountRef")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def find_shown_account_ref(session: AsyncSession, account_id: int) -> Any | None:
    """The account's id (as ``.id``) when it exists and is not suspended; None otherwise."""
    return await _SHOWN_ACCOUNT.first(session, {"id": account_id})


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def find_profile(session: AsyncSession, account_id: int) -> Account | None:
    """An account to show (a profile, its posts and lists): ``find_account`` that may read from a
    replica; look accounts up for a change with ``find_account``."""
    return await find_account(session, account_id)


async def with_moved(session: AsyncSession, account: Account | None) -> Account | None:
    """A moved account carries the account it moved to (``moved`` in the API), read here
    because the serializers do no I/O."""
    if account is not None and account.moved_to_account_id is not None:
        account.moved_to = await session.get(Account, account.moved_to_account_id)  # type: ignore[attr-defined]
    return account


async def get_account(session: AsyncSession, account_id: int) -> Account:
    account = await find_account(session, account_id)
    if account is None:
        raise NotFound("Account not found")
    return account


async def get_accounts(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    """Accounts by id in one query; ids that do not exist are simply absent."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Account).where(Account.id.in_(wanted)))
    return {account.id: account for account in rows}


def acct_key(acct: str, *, local_domain: str | None = None) -> str | None:
    """The ``acct_key`` an acct string ("user", "@user", "user@domain") would be stored
    under, or None when it cannot name an account. The own domain means local."""
    acct = acct.strip().removeprefix("@")
    username, _, domain = acct.partition("@")
    if not username or "@" in domain:
        return None
    if domain and local_domain and domain.lower() == local_domain.lower():
        domain = ""
    return (f"{username}@{domain}" if domain else username).lower()


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def find_account_by_acct(
    session: AsyncSession, acct: str, *, local_domain: str | None = None
) -> Account | None:
    key = acct_key(acct, local_domain=local_domain)
    if key is None:
        return None
    return await with_moved(session, await session.scalar(select(Account).where(Account.acct_key == key)))


async def find_local_accounts_by_usernames(
    session: AsyncSession, usernames: Iterable[str]
) -> dict[str, Account]:
    """Local accounts keyed by lower-cased username, in one query (resolving mentions)."""
    keys = {name.lower() for name in usernames if name}
    if not keys:
        return {}
    stmt = select(Account).where(Account.acct_key.in_(keys), Account.domain.is_(None))
    return {account.acct_key: account for account in await session.scalars(stmt)}


async def list_accounts(
    session: AsyncSession, *, local_only: bool = True, limit: int = 100
) -> list[Account]:
    """Oldest first (sign-up order), for the admin CLI and directory-like listings."""
    stmt = select(Account).order_by(Account.id).limit(max(1, limit))
    if local_only:
        stmt = stmt.where(Account.domain.is_(None))
    return list(await session.scalars(stmt))


_DEFAULT_VISIBILITY = FastSelect(select(User.default_visibility).where(User.account_id == bindparam("account_id")),
                                 name="DefaultVisibilityRow")


async def default_visibility(session: AsyncSession, account_id: int) -> str:
    """What a post of this account is when it names no visibility (the user's setting; a
    prebuilt statement, as posting asks it)."""
    row = await _DEFAULT_VISIBILITY.first(session, {"account_id": account_id})
    return row[0] if row is not None and row[0] else "public"


async def find_user_for_account(session: AsyncSession, account_id: int) -> User | None:
    return await session.scalar(select(User).where(User.account_id == account_id))


async def find_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def search_accounts(
    session: AsyncSession, *, query: str, limit: int = 40, following_of: int | None = None
) -> list[Account]:
    """Mention autocomplete and people search: username prefix or display-name substring
    (a Hangul name is found by any part, 민수 finds 김민수); an exact username first, then
    the most followed. ``following_of`` limits it to accounts that account follows."""
    from sqlalchemy import case, or_

    from madang.models import Follow

    query = query.strip().removeprefix("@")
    username, _, _ = query.partition("@")
    if not username:
        return []
    prefix = _like_escape(username.lower()) + "%"
    inner = "%" + _like_escape(query) + "%"
    stmt = select(Account).where(
        Account.suspended_at.is_(None),
        or_(Account.acct_key.like(prefix, escape="\\"), Account.display_name.like(inner, escape="\\")),
    )
    if following_of is not None:
        stmt = stmt.where(Account.id.in_(select(Follow.target_account_id).where(Follow.account_id == following_of)))
    exact = case((Account.acct_key == username.lower(), 0), else_=1)
    stmt = stmt.order_by(exact, Account.followers_count.desc(), Account.id).limit(max(1, min(limit, 80)))
    return list(await session.scalars(stmt))


async def first_organisation(session: AsyncSession) -> Account | None:
    """The instance's own organisation (the city): the oldest local organisation account,
    verified ones first. The front page shows its posts."""
    return await session.scalar(
        select(Account).where(Account.organisation.is_(True), Account.domain.is_(None),
                              Account.suspended_at.is_(None))
        .order_by(Account.verified_at.is_(None), Account.id).limit(1))
