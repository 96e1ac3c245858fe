"""The Korean corpus, on SQLite and on PostgreSQL: each query finds what it must and
nothing it must not, newest first."""

from __future__ import annotations

from tests.search.conftest import Corpus
from tests.search.corpus import CASES, POSTS


async def test_every_query_of_the_corpus(corpus: Corpus) -> None:
    failures = []
    for case in CASES:
        found = set(await corpus.find(case.query))
        missing, wrong = case.must - found, case.must_not & found
        if missing or wrong:
            failures.append(f"{case.query!r} ({case.why}): missing {sorted(missing)}, wrongly found {sorted(wrong)}")
    assert not failures, "\n".join(failures)


async def test_results_come_newest_first(corpus: Corpus) -> None:
    found = await corpus.find("안양")
    assert found == sorted(found, key=lambda key: corpus.ids[key], reverse=True)
    assert found[0] == "p24"  # the newest post that says 안양


async def test_pages_with_offset_and_max_id(corpus: Corpus) -> None:
    everything = await corpus.find("안양")
    async with corpus.db.read() as s:
        from madang.search import StatusSearch, search_statuses

        first = await search_statuses(s, viewer_id=corpus.reader.id, search=StatusSearch(query="안양", limit=2))
        second = await search_statuses(s, viewer_id=corpus.reader.id,
                                       search=StatusSearch(query="안양", limit=2, offset=2))
        older = await search_statuses(s, viewer_id=corpus.reader.id,
                                      search=StatusSearch(query="안양", limit=40, max_id=first[-1].id))
        newer = await search_statuses(s, viewer_id=corpus.reader.id,
                                      search=StatusSearch(query="안양", limit=40, min_id=corpus.ids["p18"]))
    keys = corpus.keys
    assert [keys[st.id] for st in first + second] == everything[:4]
    assert [keys[st.id] for st in older] == everything[2:]
    assert [keys[st.id] for st in newer] == ["p24", "p20"]


async def test_account_id_limits_to_one_author(corpus: Corpus) -> None:
    async with corpus.db.write() as s:
        from tests.factories import make_status

        other = await make_status(s, corpus.reader, "안양 독자의 글")
    assert "p24" in await corpus.find("안양", account_id=corpus.author.id)
    assert str(other.id) not in await corpus.find("안양", account_id=corpus.author.id)
    assert await corpus.find("안양", account_id=corpus.reader.id) == [str(other.id)]


async def test_empty_and_symbol_only_queries_find_nothing(corpus: Corpus) -> None:
    for query in ("", "   ", "!!!", "https://", "🙂"):
        assert await corpus.find(query) == []


def test_the_corpus_is_the_size_the_brief_asks() -> None:
    assert len(POSTS) >= 40 and len(CASES) >= 30
