"""Follow suggestions from the local graph on both databases."""

from __future__ import annotations

import pytest

from madang import accounts
from madang.core.errors import NotFound
from madang.db import Database
from tests.factories import follow, make_account


async def _suggested(db: Database, account_id: int) -> list[tuple[str, tuple[str, ...]]]:
    async with db.read() as s:
        return [(x.account.username, x.sources) for x in await accounts.list_suggestions(s, account_id=account_id)]


async def test_friends_of_friends_then_the_city(db: Database) -> None:
    async with db.write() as s:
        names = ("me", "friend1", "friend2", "popular", "niche", "blocked", "muted", "requested", "hidden",
                 "cityhall", "newcomer")
        a = {n: await make_account(s, username=n) for n in names}
        await accounts.set_flags(s, a["cityhall"], organisation=True, verified=True)
        for f in ("friend1", "friend2"):
            await follow(s, a["me"], a[f])
            for t in ("popular", "blocked", "muted", "hidden"):
                await follow(s, a[f], a[t])
        await follow(s, a["friend1"], a["niche"])
        await follow(s, a["friend1"], a["me"])  # myself: never
        await follow(s, a["friend2"], a["friend1"])  # already followed: never
        await follow(s, a["friend1"], a["requested"])
        a["requested"].locked = True
        await accounts.follow_account(s, account=a["me"], target=a["requested"])
        await accounts.block_account(s, account=a["blocked"], target=a["me"])
        await accounts.mute_account(s, account=a["me"], target=a["muted"])
        a["hidden"].discoverable = False

    assert await _suggested(db, a["me"].id) == [
        ("popular", ("friends_of_friends",)), ("niche", ("friends_of_friends",)), ("cityhall", ("featured",))]
    # A new user who follows no one gets the city's official accounts.
    assert await _suggested(db, a["newcomer"].id) == [("cityhall", ("featured",))]

    async with db.write() as s:
        await accounts.dismiss_suggestion(s, account_id=a["me"].id, target_account_id=a["popular"].id)
        await accounts.dismiss_suggestion(s, account_id=a["me"].id, target_account_id=a["popular"].id)
    assert [n for n, _ in await _suggested(db, a["me"].id)] == ["niche", "cityhall"]
    with pytest.raises(NotFound):
        async with db.write() as s:
            await accounts.dismiss_suggestion(s, account_id=a["me"].id, target_account_id=4242)


async def test_both_sources_are_named(db: Database) -> None:
    async with db.write() as s:
        me, friend, mayor = [await make_account(s, username=n) for n in ("me", "friend", "mayor")]
        await accounts.set_flags(s, mayor, organisation=True)
        await follow(s, me, friend)
        await follow(s, friend, mayor)
    assert await _suggested(db, me.id) == [("mayor", ("friends_of_friends", "featured"))]
