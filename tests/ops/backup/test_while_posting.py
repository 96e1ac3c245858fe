"""A backup taken while a real `madang serve` (with its job worker) takes posts with photos
restores to a consistent instance: every post answered before the backup began is there, nothing
that was never posted is, each post has its revision, feed entry and photos (rows and files), the
author's counter matches, and no foreign key dangles."""

from __future__ import annotations

import io
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from tests.mastodon_api.clients import client, new_app, register
from tests.ops.backup.instances import Inst, dangling_foreign_keys, fresh, table_rows
from tests.support.serve_process import Served, madang_serve

POSTERS = 2


def _png(n: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), ((n * 37) % 256, (n * 91) % 256, 120)).save(buf, "PNG")
    return buf.getvalue()


class Poster(threading.Thread):
    """Posts until stopped, every third post with a photo; keeps the ids of answered posts."""

    def __init__(self, base: str, app: tuple[str, str], token: str, n: int) -> None:
        super().__init__(daemon=True)
        self.api = client(base, app, token)
        self.n = n
        self.stop = threading.Event()
        self.answered: list[int] = []
        self.errors: list[BaseException] = []

    def run(self) -> None:
        k = 0
        while not self.stop.is_set():
            k += 1
            try:
                media = [self.api.media_post(_png(k), mime_type="image/png")["id"]] if k % 3 == 0 else None
                status = self.api.status_post(f"백업 중에 쓰는 글 {self.n}-{k} #백업", media_ids=media)
                self.answered.append(int(status["id"]))
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)
                return


@contextmanager
def _serving(template: Path, folder: Path, **env: str) -> Iterator[Served]:
    """madang_serve, tried again when another process took its free port before it bound it
    (the suite shares the machine)."""
    for attempt in range(3):
        serving = madang_serve(template, folder, **env)
        try:
            served = serving.__enter__()
        except RuntimeError as exc:
            if "address already in use" in str(exc) and attempt < 2:
                continue
            raise
        break
    try:
        yield served
    except BaseException:
        if not serving.__exit__(*sys.exc_info()):
            raise
    else:
        serving.__exit__(None, None, None)


def _answered(posters: list[Poster]) -> set[int]:
    return {i for p in posters for i in list(p.answered)}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_taken_while_posting_restores_consistently(kind: str, sqlite_template: Path, tmp_path: Path,
                                                            request: pytest.FixtureRequest) -> None:
    folder = tmp_path / "live"
    env = {"MADANG_EMBEDDED_WORKER": "true", "MADANG_WORKER_POLL_SECONDS": "0.2"}
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'serve.sqlite3'}"
    else:
        url = fresh("postgresql", request, tmp_path, migrated=True).url
        env["MADANG_DATABASE_URL"] = url
    live = Inst(url, folder)
    archive = tmp_path / "live.tar.gz"
    with _serving(sqlite_template, folder, **env) as served:
        app = new_app(served.base)
        posters = []
        for n in range(POSTERS):
            api, _, _ = register(served.base, app)
            posters.append(Poster(served.base, app, api.access_token, n))
        for p in posters:
            p.start()
        try:
            deadline = time.monotonic() + 60
            while len(_answered(posters)) < 30 and time.monotonic() < deadline:
                time.sleep(0.1)
            before = _answered(posters)
            done = live.madang("backup", "--out", str(archive))
            during = _answered(posters)
            time.sleep(0.5)  # a few more after the backup
        finally:
            for p in posters:
                p.stop.set()
            for p in posters:
                p.join(timeout=30)
        assert done.returncode == 0, done.stderr
        assert not any(p.errors for p in posters), [p.errors for p in posters]
        after = _answered(posters)
    assert len(before) >= 30 and len(after) > len(during) > len(before), (len(before), len(during), len(after))

    target = fresh(kind, request, tmp_path, migrated=False)
    restored = target.madang("restore", str(archive))
    assert restored.returncode == 0, restored.stderr

    rows = table_rows(target.url)
    columns = {"statuses": ["account_id", "id"], "status_edits": ["status_id"], "home_feed_entries":
               ["account_id", "status_id"], "media_attachments": ["status_id", "file_key", "small_key"]}
    picked = {t: _columns(target.url, t, cols) for t, cols in columns.items()}
    posted = {sid for _, sid in picked["statuses"]} & after
    posted_by = {sid: account for account, sid in picked["statuses"] if sid in after}
    assert before <= posted <= after  # every post answered before the backup; none never posted
    assert len(posted) >= len(before)
    edited = {sid for (sid,) in picked["status_edits"]}
    own_feed = {(account, sid) for account, sid in picked["home_feed_entries"]}
    for sid in posted:
        assert sid in edited, f"status {sid} without its first revision"
        assert (posted_by[sid], sid) in own_feed, f"status {sid} missing from its author's feed"
    photos = [(sid, key, small) for sid, key, small in picked["media_attachments"] if sid in posted]
    assert len(photos) >= len(posted) // 3 - POSTERS
    for _, key, small in photos:
        assert (target.media / key).is_file() and (target.media / small).is_file(), key
    counters = {account: count for account, count in _columns(target.url, "accounts", ["id", "statuses_count"])}
    for account in set(posted_by.values()):
        assert counters[account] == sum(1 for a in posted_by.values() if a == account)
    assert dangling_foreign_keys(target.url) == {}
    assert rows["alembic_version"] == table_rows(live.url)["alembic_version"]
    if kind == "sqlite":
        path = target.url.split("///", 1)[1]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _columns(url: str, table: str, cols: list[str]) -> list[tuple]:
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def go() -> list[tuple]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in (await conn.execute(
                    text(f'SELECT {", ".join(cols)} FROM "{table}"'))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(go())
