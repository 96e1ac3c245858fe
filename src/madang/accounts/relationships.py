"""The Relationship view: how one account stands towards each of several others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import active_mute
from madang.models import Account, Block, Follow, FollowRequest, Mute


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


async def _split(
    session: AsyncSession, model: PairModel, me: int, others: set[int]
) -> tuple[dict[int, Any], set[int]]:
    """Rows of ``model`` from me to others (by target) and the ids of others that have
    one towards me, in one query."""
    rows = (await session.scalars(select(model).where(_both_ways(model, me, others)))).all()
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
    mutes: dict[int, Mute]

    def about(self, tid: int) -> Relationship:
        # A pending request carries the options the follow will get, so show those meanwhile.
        options = self.follows.get(tid) or self.requests.get(tid)
        mute = self.mutes.get(tid)
        return Relationship(
            id=tid,
            following=tid in self.follows,
            showing_reblogs=bool(options and options.show_reblogs),
            notifying=bool(options and options.notify),
            followed_by=tid in self.followed_by,
            blocking=tid in self.blocks,
            blocked_by=tid in self.blocked_by,
            muting=mute is not None,
            muting_notifications=bool(mute and mute.hide_notifications),
            requested=tid in self.requests,
            requested_by=tid in self.requested_by,
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
    mute_rows = await session.scalars(
        select(Mute).where(Mute.account_id == me, Mute.target_account_id.in_(others), active_mute())
    )
    mutes = {mute.target_account_id: mute for mute in mute_rows}
    facts = _Facts(follows, followed_by, requests, requested_by, blocks, blocked_by, mutes)
    return [facts.about(tid) for tid in target_ids]
