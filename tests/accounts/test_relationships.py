"""The Relationship view for several targets at once."""

from __future__ import annotations

from sqlalchemy import event

from madang.accounts import (
    Relationship,
    block_account,
    follow_account,
    get_account,
    get_relationships,
    mute_account,
    update_profile,
)
from madang.db import Database
from tests.accounts.factories import make_account


async def test_relationships_in_order_with_flags(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        i_follow, follows_me, i_block, blocks_me, i_mute, i_requested, requested_me, mutual = [
            await make_account(s) for _ in range(8)
        ]
        await follow_account(s, account=me, target=i_follow, reblogs=False, notify=True)
        await follow_account(s, account=follows_me, target=me)
        await block_account(s, account=me, target=i_block)
        await block_account(s, account=blocks_me, target=me)
        await mute_account(s, account=me, target=i_mute, notifications=False)
        await update_profile(s, i_requested, locked=True)
        await follow_account(s, account=me, target=i_requested)
        await follow_account(s, account=mutual, target=me)
        await follow_account(s, account=me, target=mutual)
        await update_profile(s, me, locked=True)
        await follow_account(s, account=requested_me, target=me)
        stranger = await make_account(s)

    order = [mutual, stranger, requested_me, i_requested, i_mute, blocks_me, i_block, follows_me, i_follow]
    async with db.read() as s:
        me_ = await get_account(s, me.id)
        rels = await get_relationships(s, account=me_, target_ids=[a.id for a in order])
    assert [r.id for r in rels] == [a.id for a in order]
    by = {r.id: r for r in rels}

    def flags(account) -> set[str]:  # type: ignore[no-untyped-def]
        rel: Relationship = by[account.id]
        names = ("following", "showing_reblogs", "notifying", "followed_by", "blocking",
                 "blocked_by", "muting", "muting_notifications", "requested", "requested_by")
        return {name for name in names if getattr(rel, name)}

    assert flags(i_follow) == {"following", "notifying"}
    assert flags(follows_me) == {"followed_by"}
    assert flags(mutual) == {"following", "showing_reblogs", "followed_by"}
    assert flags(i_block) == {"blocking"}
    assert flags(blocks_me) == {"blocked_by"}
    assert flags(i_mute) == {"muting"}
    assert flags(i_requested) == {"requested", "showing_reblogs"}
    assert flags(requested_me) == {"requested_by"}
    assert flags(stranger) == set()
    assert by[stranger.id].note == "" and not by[stranger.id].domain_blocking


async def test_relationships_cost_a_constant_number_of_queries(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s)
        others = [await make_account(s) for _ in range(6)]
        for other in others[:3]:
            await follow_account(s, account=me, target=other)
            await mute_account(s, account=me, target=other, duration=600)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    counts = []
    async with db.read() as s:
        me_ = await get_account(s, me.id)
        event.listen(db.read_sync_engine, "before_cursor_execute", record)
        try:
            for targets in (others[:1], others, others + others):
                statements.clear()
                rels = await get_relationships(s, account=me_, target_ids=[o.id for o in targets])
                assert len(rels) == len(targets)
                counts.append(len(statements))
            statements.clear()
            assert await get_relationships(s, account=me_, target_ids=[]) == []
            assert statements == []
        finally:
            event.remove(db.read_sync_engine, "before_cursor_execute", record)
    assert counts[0] == counts[1] == counts[2] <= 4
    assert [r.muting for r in rels[:6]] == [True, True, True, False, False, False]
