"""Accepted activities written in batches: every ``federation.receive`` job row that arrives
while a write waits goes in that write's one multi-row INSERT (no savepoint per activity: a
job row cannot conflict), and each sender hears 202 only once its row committed. Deliveries
come in bursts (a popular post's replies, a server's retry queue), and on SQLite the single
writer is the inbox's limit (bench/federation_bench.py incoming)."""

from __future__ import annotations

import asyncio
from typing import Any

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.database import after_commit
from madang.core.request_context import current_request_id
from madang.db.fast_write import FastInsert
from madang.jobs.registry import DEFAULT_MAX_ATTEMPTS, find_registration
from madang.jobs.wakeups import wake_workers
from madang.models import Job

WRITER_KEY = "federation.inbox_writer"
_JOB_ROWS = FastInsert(Job.__table__)
BATCH_MAX = 500


class InboxWriter:
    def __init__(self, db: Any) -> None:
        self.db = db
        self.pending: list[tuple[dict, asyncio.Future[None]]] = []
        self.task: asyncio.Task[None] | None = None

    async def add(self, name: str, payload: dict) -> None:
        now = utcnow()
        registration = find_registration(name)
        row = {"id": new_id(), "name": name, "payload": payload, "state": "pending", "attempts": 0,
               "max_attempts": registration.max_attempts if registration else DEFAULT_MAX_ATTEMPTS,
               "run_at": now, "created_at": now, "request_id": current_request_id()}
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((row, done))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())
        await asyncio.shield(done)

    async def _drain(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:BATCH_MAX], self.pending[BATCH_MAX:]
            try:
                async with self.db.write() as session:
                    await _JOB_ROWS.run(session, [row for row, _ in batch])
                    after_commit(session, wake_workers)
            except BaseException as exc:  # every sender of the batch hears the failure (a 500: it retries)
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)


def writer_for(db: Any) -> InboxWriter:
    writer = db.session_info.get(WRITER_KEY)
    if writer is None:
        writer = db.session_info[WRITER_KEY] = InboxWriter(db)
    return writer
