"""A small town for the fault tests: the city's account with a desk and Open311 services (the desk
tests' city), and a few citizens who follow each other, each with an API token."""

from __future__ import annotations

from dataclasses import dataclass

from madang.auth.tokens import issue_token
from madang.db import Database
from tests.factories import follow, make_account
from tests.open311.city import make_open311_city


@dataclass
class Town:
    org_id: int
    api_key: str  # Open311
    citizens: list[int]  # account ids
    tokens: list[str]  # one per citizen, same order


async def make_town(database_url: str, citizens: int = 4) -> Town:
    db = Database(database_url, pool_size=2)
    try:
        open311 = await make_open311_city(db)
        async with db.write() as s:
            people = [await make_account(s, username=f"crash{n}") for n in range(citizens)]
            for a in people:
                for b in people:
                    if a is not b:
                        await follow(s, a, b)
            tokens = [(await issue_token(s, application=None, account=a, scopes=["read", "write"])).token
                      for a in people]
        return Town(open311.city.org.id, open311.api_key, [a.id for a in people], tokens)
    finally:
        await db.dispose()
