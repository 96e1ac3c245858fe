"""SQLite WAL checkpoints in the background, off the writer's path.

By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1,000 pages: that post
then copies the WAL into the database file and waits for its fsync while holding the single
write lock. A server instead turns the writer's automatic checkpoints off and runs a PASSIVE
checkpoint every second from a thread on a connection of its own: it copies what no reader still
needs and never takes the write lock, so writers go on meanwhile (a 1M-post database: a post's
write unit 3.5 → 2 ms, bench/ figures in docs/benchmarks.md). Several processes may each run
one; SQLite lets one checkpoint at a time and the others return at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 1.0


class Checkpointer:
    def __init__(self, path: Path, *, interval: float = INTERVAL_SECONDS) -> None:
        self.path = path
        self.interval = interval
        self._connection: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        # Cancelling the loop does not stop a checkpoint already running in a worker thread:
        # the lock keeps the final TRUNCATE and the close from using the connection meanwhile
        # (two threads on one sqlite3 connection, or one on a closed one, can crash the process).
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stops the loop and copies the rest of the WAL back (a clean shutdown leaves it empty)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await asyncio.to_thread(self.checkpoint, "TRUNCATE")
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await asyncio.to_thread(self.checkpoint)
            except Exception:  # a failed checkpoint is retried next time; the WAL just grows meanwhile
                log.exception("sqlite: background checkpoint failed")

    def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int, int]:
        """(busy, pages in the WAL, pages checkpointed), as SQLite reports them."""
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(self.path, timeout=0, check_same_thread=False,
                                                   isolation_level=None)
                self._connection.execute("PRAGMA busy_timeout = 0")
            row = self._connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return int(row[0]), int(row[1]), int(row[2])
