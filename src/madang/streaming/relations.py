"""The relationships of a process's streaming viewers with a post's accounts: one query
per event for all connections, so a block, a mute or a domain block counts from the next
post on and no per-connection cache can go stale."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import active_mute, on_blocked_domain
from madang.models import Account, Block, Follow, Mute, Tag, TagFollow
from madang.models.account_domain_blocks import AccountDomainBlock

# Viewer ids per statement; each appears in a few IN lists (SQLite allows 32,766 values).
CHUNK = 5_000


@dataclass
class Relations:
    following: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Follows whose boosts the viewer wants in their home (show_reblogs).
    boosts_from: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Blocked either way.
    blocked: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    muted: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The post's accounts on a server the viewer blocked for itself.
    domain_blocked: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Viewers following one of the post's hashtags (asked only for public posts).
    tag_followers: set[int] = field(default_factory=set)


def _statement(viewers: list[int], accounts: list[int], tag_keys: list[str]):  # type: ignore[no-untyped-def]
    arms = [
        select(literal("f").label("k"), Follow.account_id, Follow.target_account_id, Follow.show_reblogs)
        .where(Follow.account_id.in_(viewers), Follow.target_account_id.in_(accounts)),
        select(literal("b"), Block.account_id, Block.target_account_id, literal(True))
        .where(Block.account_id.in_(viewers), Block.target_account_id.in_(accounts)),
        select(literal("b"), Block.target_account_id, Block.account_id, literal(True))
        .where(Block.target_account_id.in_(viewers), Block.account_id.in_(accounts)),
        select(literal("m"), Mute.account_id, Mute.target_account_id, literal(True))
        .where(Mute.account_id.in_(viewers), Mute.target_account_id.in_(accounts), active_mute()),
        # From the post's few accounts (by key) to the viewers' domain blocks (by index).
        select(literal("d"), AccountDomainBlock.account_id, Account.id, literal(True))
        .select_from(Account).join(AccountDomainBlock, and_(AccountDomainBlock.account_id.in_(viewers),
                                                            on_blocked_domain(AccountDomainBlock.domain, Account.domain)))
        .where(Account.id.in_(accounts), Account.domain.is_not(None)),
    ]
    if tag_keys:
        arms.append(select(literal("t"), TagFollow.account_id, TagFollow.tag_id, literal(True))
                    .join(Tag, Tag.id == TagFollow.tag_id)
                    .where(TagFollow.account_id.in_(viewers), Tag.key.in_(tag_keys)))
    return union_all(*arms)


async def load_relations(session: AsyncSession, viewer_ids: Iterable[int], account_ids: Iterable[int],
                         tag_keys: Iterable[str] = ()) -> Relations:
    relations = Relations()
    viewers, accounts = sorted(set(viewer_ids)), sorted(set(account_ids))
    if not viewers or not accounts:
        return relations
    for start in range(0, len(viewers), CHUNK):
        rows = await session.execute(_statement(viewers[start:start + CHUNK], accounts, sorted(set(tag_keys))))
        for kind, viewer, other, flag in rows:
            if kind == "f":
                relations.following[viewer].add(other)
                if flag:
                    relations.boosts_from[viewer].add(other)
            elif kind == "t":
                relations.tag_followers.add(viewer)
            elif kind == "b":
                relations.blocked[viewer].add(other)
            elif kind == "d":
                relations.domain_blocked[viewer].add(other)
            else:
                relations.muted[viewer].add(other)
    return relations
