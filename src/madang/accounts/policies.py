"""Who blocks, mutes and follows whom: small predicates the other packages filter by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.rows import pair_of
from madang.core.clock import utcnow
from madang.db.fast_select import FastSelect
from madang.db.replicas import replica_read
from madang.models import Account, Block, Follow, Mute
from madang.models.account_domain_blocks import AccountDomainBlock


def active_mute(now: Any = None) -> ColumnElement[bool]:
    """Mutes with a duration stay as rows after they lapse; this filter ignores them.
    ``now`` may be a bind parameter, for statements built once and run many times."""
    return or_(Mute.expires_at.is_(None), Mute.expires_at > (utcnow() if now is None else now))


# Asked on every profile read and every follow: built once.
_BLOCKED_EITHER_WAY = FastSelect(
    select(Block.id).where(or_(pair_of(Block, bindparam("a"), bindparam("b")),
                               pair_of(Block, bindparam("b"), bindparam("a")))).limit(1),
    name="BlockRow")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def blocked_either_way(session: AsyncSession, a_id: int, b_id: int) -> bool:
    return await _BLOCKED_EITHER_WAY.first(session, {"a": a_id, "b": b_id}) is not None


async def blocked_account_ids(session: AsyncSession, account_id: int) -> set[int]:
    """Accounts this one blocks and accounts that block it."""
    stmt = union(
        select(Block.target_account_id).where(Block.account_id == account_id),
        select(Block.account_id).where(Block.target_account_id == account_id),
    )
    return set((await session.scalars(stmt)).all())


async def muted_account_ids(session: AsyncSession, account_id: int) -> set[int]:
    stmt = select(Mute.target_account_id).where(Mute.account_id == account_id, active_mute())
    return set((await session.scalars(stmt)).all())


async def is_following(session: AsyncSession, follower_id: int, target_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(pair_of(Follow, follower_id, target_id)))))


def on_blocked_domain(blocked_domain: Any, domain_column: Any) -> ColumnElement[bool]:
    """``domain_column`` is the domain an account blocked for itself. The exact domain, as
    Mastodon matches these blocks: an equality the accounts' domain index answers, where
    covering subdomains (a LIKE on the suffix) would scan every account (decision 0044)."""
    return domain_column == blocked_domain


def not_on_blocked_domain(account_id: Any, author_id: Any) -> ColumnElement[bool]:
    """A WHERE clause: the account ``author_id`` (a column, e.g. Status.account_id) is not on a
    server ``account_id`` blocked for itself (madang.moderation's account_domain_blocks;
    decision 0044). ``account_id`` may be a bind parameter.

    Checked per row, never as a set of accounts: a blocked server may have thousands of stored
    accounts, and collecting them cost a blocker 28 ms a home page for 10,000. The first arm
    does not depend on the row, so both databases evaluate it once: a viewer with no domain
    blocks pays one empty index probe a statement, and each row passes on it."""
    author = aliased(Account)
    none_blocked = ~exists().where(AccountDomainBlock.account_id == account_id)
    on_blocked = exists().where(author.id == author_id, AccountDomainBlock.account_id == account_id,
                                on_blocked_domain(AccountDomainBlock.domain, author.domain))
    return or_(none_blocked, ~on_blocked)


def hidden_account_ids_query(account_id: Any, *, now: Any = None) -> Select:
    """Accounts whose posts this one does not see: blocked either way, or muted (unexpired).
    One statement; ``account_id`` and ``now`` may be bind parameters, so timelines can use
    it as a subquery of a statement built once. Servers it blocked: ``not_on_blocked_domain``."""
    return union(
        select(Block.target_account_id).where(Block.account_id == account_id),
        select(Block.account_id).where(Block.target_account_id == account_id),
        select(Mute.target_account_id).where(Mute.account_id == account_id, active_mute(now)),
    )
