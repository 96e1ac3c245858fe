"""The Relationship view: how one account stands towards each of several others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import active_mute, on_blocked_domain
from madang.core.clock import utcnow
from madang.db.fast_select import FastSelect
from madang.models import Account, Block, Follow, FollowRequest, Mute
from madang.models.account_domain_blocks import AccountDomainBlock


@dataclass
class Relationship:
    id: int
    following: bool
    showing_reblogs: bool
    notifying: bool
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    requested: bool
    requested_by: bool
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""
    languages: list[str] | None = None


PairModel = type[Follow] | type[FollowRequest] | type[Block]


def _both_ways(model: PairModel, me: int, others: set[int]) -> ColumnElement[bool]:
    return or_(
        and_(model.account_id == me, model.target_account_id.in_(others)),
        and_(model.account_id.in_(others), model.target_account_id == me),
    )


# Every profile and every account list asks for relationships: the statements are built once
# (building them per request cost ~3 ms of CPU on a profile page, most of the page's queries).
_SPLIT = {model: FastSelect(select(*model.__table__.c).where(_both_ways(model, bindparam("me"), bindparam(
    "others", expanding=True))), name=f"{model.__name__}Row", lists=["others"]) for model in (Follow, FollowRequest, Block)}


async def _split(
    session: AsyncSession, model: PairModel, me: int, others: set[int]
) -> tuple[dict[int, Any], set[int]]:
    """Rows of ``model`` from me to others (by target) and the ids of others that have
    one towards me, in one query."""
    rows = await _SPLIT[model].all(session, {"me": me, "others": sorted(others)})
    outgoing = {row.target_account_id: row for row in rows if row.account_id == me}
    incoming = {row.account_id for row in rows if row.target_account_id == me}
    return outgoing, incoming


@dataclass
class _Facts:
    follows: dict[int, Follow]
    followed_by: set[int]
    requests: dict[int, FollowRequest]
    requested_by: set[int]
    blocks: dict[int, Block]
    blocked_by: set[int]
    mutes: dict[int, bool]  # target -> the mute hides its notifications
    domain_blocked: set[int]

    def about(self, tid: int) -> Relationship:
        # A pending request carries the options the follow will get, so show those meanwhile.
        options = self.follows.get(tid) or self.requests.get(tid)
        return Relationship(
            id=tid,
            following=tid in self.follows,
            showing_reblogs=bool(options and options.show_reblogs),
            notifying=bool(options and options.notify),
            followed_by=tid in self.followed_by,
            blocking=tid in self.blocks,
            blocked_by=tid in self.blocked_by,
            muting=tid in self.mutes,
            muting_notifications=self.mutes.get(tid, False),
            requested=tid in self.requests,
            requested_by=tid in self.requested_by,
            domain_blocking=tid in self.domain_blocked,
        )


async def get_relationships(
    session: AsyncSession, *, account: Account, target_ids: Sequence[int]
) -> list[Relationship]:
    """One Relationship per target id, in the order given, in four queries whatever the
    number of targets."""
    me, others = account.id, set(target_ids)
    if not others:
        return []
    follows, followed_by = await _split(session, Follow, me, others)
    requests, requested_by = await _split(session, FollowRequest, me, others)
    blocks, blocked_by = await _split(session, Block, me, others)
    mutes, domain_blocked = await _hiding(session, me, others)
    facts = _Facts(follows, followed_by, requests, requested_by, blocks, blocked_by, mutes, domain_blocked)
    return [facts.about(tid) for tid in target_ids]


_HIDING = FastSelect(union_all(
    select(literal("m").label("kind"), Mute.target_account_id.label("target"), Mute.hide_notifications.label("hides"))
    .where(Mute.account_id == bindparam("me"), Mute.target_account_id.in_(bindparam("others", expanding=True)),
           active_mute(bindparam("now"))),
    # From the targets (by key) to me's blocks of their server: a blocked server's other
    # stored accounts are never read.
    select(literal("d"), Account.id, literal(True)).where(
        Account.id.in_(bindparam("others", expanding=True)), exists().where(
            AccountDomainBlock.account_id == bindparam("me"),
            on_blocked_domain(AccountDomainBlock.domain, Account.domain))),
), name="HidingRow", lists=["others"])


async def _hiding(session: AsyncSession, me: int, others: set[int]) -> tuple[dict[int, bool], set[int]]:
    """The mutes of ``others`` (target -> hides notifications), and which of ``others`` are on
    a server ``me`` blocked (domain_blocking), in one query."""
    rows = await _HIDING.all(session, {"me": me, "others": sorted(others), "now": utcnow()})
    mutes: dict[int, bool] = {}
    domain_blocked: set[int] = set()
    for kind, target, hides in rows:
        if kind == "m":
            mutes[target] = bool(hides)
        else:
            domain_blocked.add(target)
    return mutes, domain_blocked
