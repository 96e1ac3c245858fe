"""Search by lemma (decision 0061) on SQLite and PostgreSQL: each of the corpus's queries finds
its posts, the ranking puts the exact phrase first, and nothing the bigrams found is lost."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from madang.db import Database
from madang.models import Account, Status
from madang.search import StatusSearch, search_statuses
from madang.search.operators import Filters
from madang.search.statuses import _find
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status
from madang.text.search_terms import query_terms
from tests.factories import SITE, make_account, make_status
from tests.search.corpus import CASES as OLD_CASES
from tests.search.lemma.corpus import CASES, POSTS


@dataclass
class City:
    db: Database
    reader: Account
    keys: dict[int, str]

    async def find(self, query: str, limit: int = 40) -> list[str]:
        async with self.db.read() as s:
            found = await search_statuses(s, viewer_id=self.reader.id, search=StatusSearch(query=query, limit=limit))
        return [self.keys.get(st.id, str(st.id)) for st in found]

    async def by_bigrams(self, query: str) -> set[str]:
        """What today's bigram walk alone finds (the search before lemmas)."""
        async with self.db.read() as s:
            found = await _find(s, query_terms(query), Filters(), viewer_id=self.reader.id,
                                search=StatusSearch(query=query), limit=200, offset=0)
        return {self.keys.get(st.id, str(st.id)) for st in found}


@pytest.fixture
async def city(db: Database) -> City:
    async with db.write() as s:
        author = await make_account(s, username="city_hall")
        reader = await make_account(s, username="reader")
        keys = {}
        for key, text in POSTS.items():
            keys[(await make_status(s, author, text)).id] = key
    return City(db, reader, keys)


async def test_every_query_finds_its_posts(city: City) -> None:
    failures = []
    for c in CASES:
        found = set(await city.find(c.query))
        missing, wrong = c.must - found, c.must_not & found
        if missing or wrong:
            failures.append(f"{c.query!r} ({c.why}): missing {sorted(missing)}, wrongly found {sorted(wrong)}")
    assert not failures, "\n".join(failures)


async def test_nothing_the_bigrams_found_is_lost(city: City) -> None:
    lost = []
    for query in [c.query for c in CASES] + [c.query for c in OLD_CASES]:
        before, now = await city.by_bigrams(query), set(await city.find(query, limit=200))
        if before - now:
            lost.append(f"{query!r}: {sorted(before - now)}")
    assert not lost, "\n".join(lost)


async def test_exact_phrase_then_lemma_then_bigram(db: Database) -> None:
    async with db.write() as s:
        author = await make_account(s, username="writer")
        reader = await make_account(s, username="reader")
        exact = await make_status(s, author, "축제가 열렸습니다")  # oldest: the exact words
        lemma = await make_status(s, author, "축제가 열리는 날")  # the same verb, bent otherwise
        newest_lemma = await make_status(s, author, "내일 축제 열려요")
    async with db.read() as s:
        found = await search_statuses(s, viewer_id=reader.id, search=StatusSearch(query="축제가 열렸습니다"))
        page2 = await search_statuses(s, viewer_id=reader.id,
                                      search=StatusSearch(query="축제가 열렸습니다", limit=1, offset=1))
    assert [st.id for st in found] == [exact.id, newest_lemma.id, lemma.id]
    assert [st.id for st in page2] == [newest_lemma.id]


async def test_edits_and_deletes_keep_lemmas_in_step(db: Database) -> None:
    async with db.write() as s:
        author = await make_account(s, username="writer")
        reader = await make_account(s, username="reader")
        post = await make_status(s, author, "가로등이 고장났어요")
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=await s.get(Account, author.id),
                          status=await s.get(Status, post.id), text="신호등을 고쳐 주세요")

    async def ids(query: str) -> list[int]:
        async with db.read() as s:
            return [st.id for st in await search_statuses(s, viewer_id=reader.id, search=StatusSearch(query=query))]

    assert await ids("고치다") == [post.id]
    assert await ids("고장나다") == []
    async with db.write() as s:
        await delete_status(s, actor=await s.get(Account, author.id), status=await s.get(Status, post.id))
    assert await ids("고치다") == []


def test_the_set_is_as_big_as_the_brief_asks() -> None:
    assert len(CASES) >= 60 and len(POSTS) >= 40
