"""`madang search reindex` on SQLite and PostgreSQL: posts written before lemmas get them, a
stopped run goes on from its checkpoint, a finished run has nothing to do."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import delete, select

from madang.db import Database
from madang.models import SearchIndexState, StatusSearchTerm
from madang.search import StatusSearch, search_statuses
from madang.statuses import search_reindex
from madang.text.lemmas import index_terms
from tests.factories import make_account, make_status

TEXTS = [f"{n}번 가로등이 고장났어요" if n % 2 else f"{n}번 축제가 열렸습니다" for n in range(12)]


async def _as_before_lemmas(db: Database) -> tuple[int, list[int]]:
    """Posts indexed as version 1 left them: bigrams only, the state saying version 1."""
    async with db.write() as s:
        author = await make_account(s, username="old_city")
        reader = await make_account(s, username="reader")
        ids = [(await make_status(s, author, text)).id for text in TEXTS]
        await s.execute(delete(StatusSearchTerm).where(StatusSearchTerm.term >= "=", StatusSearchTerm.term < ">"))
        state = await s.get(SearchIndexState, "statuses")
        state.version = 1
    return reader.id, ids


async def _found(db: Database, reader: int, query: str) -> list[int]:
    async with db.read() as s:
        return [st.id for st in await search_statuses(s, viewer_id=reader, search=StatusSearch(query=query, limit=40))]


async def test_a_stopped_run_goes_on_from_its_checkpoint(db: Database) -> None:
    reader, ids = await _as_before_lemmas(db)
    assert await _found(db, reader, "열리다") == []  # bigrams alone do not meet 열렸습니다
    assert (await search_reindex.state(db, count=True)).remaining == 12

    begun = await search_reindex.start(db)
    assert (begun.finished, begun.last_id) == (False, 0)
    first = await search_reindex.step(db, batch=5)
    assert (first.done, first.last_id, first.finished) == (5, ids[4], False)
    # Stopped here: a new start resumes rather than begins again.
    resumed = await search_reindex.start(db)
    assert resumed.last_id == ids[4]
    assert sorted(await _found(db, reader, "열리다")) == [i for i in ids[:5:2]]
    for _ in range(100):  # 5 a batch: bounded well above what the posts need
        p = await search_reindex.step(db, batch=5)
        if p.finished:
            break
    assert p.finished and p.last_id == ids[-1]
    assert sorted(await _found(db, reader, "열리다")) == ids[::2]
    assert sorted(await _found(db, reader, "고장나다")) == ids[1::2]
    async with db.read() as s:
        rows = set(await s.execute(select(StatusSearchTerm.term, StatusSearchTerm.status_id)))
    assert rows == {(t, i) for i, text in zip(ids, TEXTS, strict=True) for t in index_terms(text)}
    assert (await search_reindex.start(db)).finished  # nothing to do
    again = await search_reindex.start(db, restart=True)  # a restart redoes it harmlessly
    assert not again.finished
    for _ in range(100):
        if (await search_reindex.step(db, batch=100)).finished:
            break
    else:
        raise AssertionError("the restarted reindex did not finish")
    async with db.read() as s:
        assert set(await s.execute(select(StatusSearchTerm.term, StatusSearchTerm.status_id))) == rows


async def test_the_command_shows_progress_and_resumes(db: Database, database_url: str) -> None:
    reader, ids = await _as_before_lemmas(db)
    env = {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_SECRET_KEY": "k" * 40}

    def madang(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "madang.cli", "search", *args], env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    assert "12 posts to go" in madang("status")
    first = madang("reindex", "--batch", "10", "--max-batches", "1")
    assert "12 posts to go" in first and "10/12 posts" in first and "stopped after 1 batches" in first
    rest = madang("reindex", "--batch", "10")
    assert "2 posts to go" in rest and "done, version 2" in rest
    assert sorted(await _found(db, reader, "고장나다")) == ids[1::2]
