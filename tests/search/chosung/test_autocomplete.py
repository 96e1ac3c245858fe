"""Account and hashtag autocomplete with 초성 on SQLite and PostgreSQL (madang.search): what finds
what, and the order of the tiers (exact, prefix, 초성, any part of the name)."""

from __future__ import annotations

import pytest

from madang.accounts.profiles import update_profile
from madang.db import Database
from madang.models import Account
from madang.search import search_accounts, search_tags
from tests.factories import make_account, make_status


@pytest.fixture
async def city(db: Database) -> dict[str, Account]:
    async with db.write() as s:
        people = {
            "hall": await make_account(s, username="anyang_city", display_name="안양시청"),
            "anyang": await make_account(s, username="anyang", display_name="안양"),
            "library": await make_account(s, username="library", display_name="안양 중앙 도서관"),
            "kim": await make_account(s, username="minsu", display_name="김민수"),
            "goyang": await make_account(s, username="goyang", display_name="고양시청"),
            "writer": await make_account(s, username="writer"),
        }
        await make_status(s, people["writer"], "#안양 #안양시청 #안양천 #anyang #고양 #아냐 오늘 산책")
    return people


async def _accounts(db: Database, query: str, **options: object) -> list[str]:
    async with db.read() as s:
        return [a.username for a in await search_accounts(s, query=query, **options)]  # type: ignore[arg-type]


async def _tags(db: Database, query: str, **options: object) -> list[str]:
    async with db.read() as s:
        return [t.name for t in await search_tags(s, query=query, **options)]  # type: ignore[arg-type]


async def test_initials_and_partly_typed_syllables_find_people(db: Database, city: dict[str, Account]) -> None:
    assert await _accounts(db, "ㅇㅇㅅㅊ") == ["anyang_city"]
    assert set(await _accounts(db, "ㅇㅇ")) == {"anyang", "anyang_city", "library"}
    assert await _accounts(db, "안야") == ["anyang", "anyang_city", "library"]  # 야 + ㅇ받침 being typed
    assert await _accounts(db, "안ㅇㅅ") == ["anyang_city"]
    assert await _accounts(db, "안ㅇ") == ["anyang", "anyang_city", "library"]
    assert await _accounts(db, "ㄱㅇㅅ") == ["goyang"]
    assert await _accounts(db, "ㅁㅅ") == []  # 초성 from the start of the name only
    assert await _accounts(db, "민수") == ["minsu"]  # any part of the display name, as before


async def test_romanised_and_hangul_names_find_one_account(db: Database, city: dict[str, Account]) -> None:
    assert (await _accounts(db, "anyang_c")) == ["anyang_city"]
    assert (await _accounts(db, "안양시")) == ["anyang_city"]
    assert (await _accounts(db, "@ㅇㅇㅅ")) == ["anyang_city"]


async def test_exact_then_prefix_then_initials(db: Database, city: dict[str, Account]) -> None:
    # 안양 is anyang's whole name; 안양시청 and 안양 중앙 도서관 start with it.
    assert (await _accounts(db, "안양"))[0] == "anyang"
    assert await _accounts(db, "anyang") == ["anyang", "anyang_city"]
    first, rest = await _accounts(db, "ㅇㅇ", limit=1), await _accounts(db, "ㅇㅇ", limit=5, offset=1)
    assert len(first + rest) == 3 and set(first + rest) == {"anyang", "anyang_city", "library"}


async def test_a_renamed_account_is_found_by_its_new_name(db: Database, city: dict[str, Account]) -> None:
    async with db.write() as s:
        kim = await s.get(Account, city["kim"].id)
        await update_profile(s, kim, display_name="평촌 김민수")
    assert await _accounts(db, "ㅍㅊ") == ["minsu"]
    assert await _accounts(db, "ㄱㅁㅅ") == []


async def test_hashtags_by_initials(db: Database, city: dict[str, Account]) -> None:
    assert await _tags(db, "ㅇㅇ") == ["안양", "안양천", "안양시청"]
    assert await _tags(db, "#ㅇㅇㅅㅊ") == ["안양시청"]
    assert await _tags(db, "안야") == ["안양", "안양천", "안양시청"]
    assert await _tags(db, "안양") == ["안양", "안양천", "안양시청"]  # exact first, then shorter names
    assert await _tags(db, "안") == ["안양", "안양천", "안양시청", "아냐"]  # prefix before 아+ㄴ…
    assert await _tags(db, "ㅇㄴ") == ["아냐"]
    assert await _tags(db, "any") == ["anyang"]
    assert await _tags(db, "ㄱ") == ["고양"]
