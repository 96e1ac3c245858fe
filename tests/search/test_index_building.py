"""Building the index for posts that exist already: migration 0004 and reindex_all."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from madang.db import Database
from madang.db.migrate import upgrade
from madang.models import StatusSearchTerm
from madang.search import StatusSearch, search_statuses
from madang.statuses.search_index import reindex_all
from madang.text.search_terms import document_terms
from tests.factories import make_account, make_status
from tests.support import pgserver

_n = itertools.count()
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
OLD_POSTS = {1001: "안양시청 앞 공사 중", 1002: "평촌 여자축구부 모집", 1003: "삭제된 안양 글"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    server: pgserver.PgServer = request.getfixturevalue("pg_server")
    name = f"migrate{next(_n)}"
    server.psql(f"CREATE DATABASE {name}")
    return server.url(name)


async def test_migration_indexes_the_posts_a_city_already_has(empty_url: str) -> None:
    # Alembic runs its own event loop: on a thread, beside this test's.
    await asyncio.to_thread(upgrade, empty_url, "0003")
    db = Database(empty_url, pool_size=2)
    try:
        async with db.write() as s:
            await s.execute(text(
                "INSERT INTO accounts (id, username, acct_key, display_name, note, note_html, fields, locked, bot, "
                "discoverable, organisation, created_at, updated_at, statuses_count, followers_count, "
                "following_count) VALUES (1, 'old', 'old', '', '', '', '[]', false, false, true, false, :w, :w, "
                "3, 0, 0)"), {"w": WHEN})
            for status_id, body in OLD_POSTS.items():
                await s.execute(text(
                    "INSERT INTO statuses (id, account_id, local, text, content, spoiler_text, sensitive, visibility, "
                    "created_at, deleted_at, replies_count, reblogs_count, favourites_count) VALUES (:id, 1, true, "
                    ":text, '', '', false, 'public', :w, :deleted, 0, 0, 0)"),
                    {"id": status_id, "text": body, "w": WHEN, "deleted": WHEN if status_id == 1003 else None})
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, empty_url)
    db = Database(empty_url, pool_size=2)
    try:
        async with db.read() as s:
            rows = set(await s.execute(select(StatusSearchTerm.term, StatusSearchTerm.status_id)))
            indexable = await s.scalar(text("SELECT indexable FROM accounts WHERE id = 1"))
        assert rows == {(t, sid) for sid in (1001, 1002) for t in document_terms(OLD_POSTS[sid])}
        assert indexable in (True, 1)  # every account starts searchable
    finally:
        await db.dispose()


async def test_reindex_all_rebuilds_what_create_wrote(db: Database) -> None:
    async with db.write() as s:
        author = await make_account(s)
        reader = await make_account(s)
        posts = [await make_status(s, author, body) for body in ("안양천 벚꽃", "범계역 카페", "비 오는 날")]
    async with db.read() as s:
        before = set(await s.execute(select(StatusSearchTerm.term, StatusSearchTerm.status_id)))
    async with db.write() as s:
        await s.execute(StatusSearchTerm.__table__.delete())
    async with db.read() as s:
        assert await search_statuses(s, viewer_id=reader.id, search=StatusSearch(query="벚꽃")) == []
    async with db.write() as s:
        assert await reindex_all(s, batch=2) == 3
    async with db.read() as s:
        after = set(await s.execute(select(StatusSearchTerm.term, StatusSearchTerm.status_id)))
        found = await search_statuses(s, viewer_id=reader.id, search=StatusSearch(query="벚꽃"))
        total = await s.scalar(select(func.count()).select_from(StatusSearchTerm))
    assert after == before and total == len(before)
    assert [st.id for st in found] == [posts[0].id]
