"""Background WAL checkpoints (a server's SQLite): the writer's COMMITs stop checkpointing, the
background task copies the WAL back while writes go on, and a clean stop leaves the WAL empty."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from madang.db import Database
from madang.db.migrate import upgrade


async def _write(db: Database, n: int) -> None:
    for i in range(n):
        async with db.write() as s:
            await s.execute(text("INSERT INTO instance_keys_probe (v) VALUES (:v)"), {"v": "가" * 2000 + str(i)})


async def _probe_database(path: Path) -> tuple[Path, str, Database]:
    """A migrated database with a table to fill with big rows."""
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.write() as s:
        await s.execute(text("CREATE TABLE instance_keys_probe (id INTEGER PRIMARY KEY, v TEXT)"))
    return path, url, db


async def test_checkpoints_run_in_the_background_and_a_stop_empties_the_wal(tmp_path: Path) -> None:
    path, url, db = await _probe_database(tmp_path / "c.sqlite3")
    db.checkpoint_in_background()
    checkpointer = db._checkpointer
    assert checkpointer is not None
    checkpointer.interval = 3600  # only when asked, in this test
    wal = Path(f"{path}-wal")
    await _write(db, 1500)  # > 1,000 pages: SQLite would have checkpointed (and reset the WAL) by now
    grown = wal.stat().st_size
    assert grown > 1000 * 4096
    busy, pages, copied = await asyncio.to_thread(checkpointer.checkpoint)
    assert busy == 0 and pages > 1000 and copied == pages
    await _write(db, 10)  # the writer goes on after a checkpoint
    assert wal.stat().st_size == grown  # (a WAL is reused from its start, not shrunk, by a checkpoint)
    await checkpointer.stop()
    assert wal.stat().st_size == 0  # a clean stop truncates it, with the database's connections still open
    await db.dispose()
    again = Database(url)
    async with again.read() as s:
        assert (await s.execute(text("SELECT count(*) FROM instance_keys_probe"))).scalar() == 1510
    await again.dispose()


async def test_scripts_and_memory_databases_keep_sqlites_own_checkpoints(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'd.sqlite3'}")
    assert db._checkpointer is None
    memory = Database("sqlite+aiosqlite:///:memory:")
    memory.checkpoint_in_background()
    assert memory._checkpointer is None
    await db.dispose()
    await memory.dispose()


async def test_a_stop_waits_for_a_checkpoint_still_running_in_its_thread(tmp_path: Path) -> None:
    """Cancelling the loop does not stop a checkpoint a worker thread is running: the final
    TRUNCATE and the close wait for it instead of using (or closing) its connection at once."""
    path, url, db = await _probe_database(tmp_path / "r.sqlite3")
    for round_ in range(5):
        db.checkpoint_in_background()
        checkpointer = db._checkpointer
        assert checkpointer is not None
        checkpointer.interval = 3600
        await _write(db, 400)
        running = asyncio.ensure_future(asyncio.to_thread(checkpointer.checkpoint))
        await asyncio.sleep(0)  # the thread is under way
        await checkpointer.stop()
        busy, _, _ = await running  # finished cleanly, on a connection nobody closed under it
        assert busy == 0
        assert Path(f"{path}-wal").stat().st_size == 0, round_
        db._checkpointer = None
    await db.dispose()
