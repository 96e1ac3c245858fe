"""Removing stored files after the rows that named them are gone (a job, so a crash or a
busy disk never loses the removal; deleting a missing file is not an error)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from madang.jobs import enqueue, handler
from madang.media.queries import delete_files
from madang.media.storage import MediaStore, open_store

REMOVE_FILES_JOB = "media.remove_files"
BATCH = 500  # keys a job carries: payloads stay small, each run short


async def remove_files_later(session: AsyncSession, *, store: MediaStore, keys: Sequence[str]) -> None:
    """Queue the removal in the caller's transaction: it happens only if that commits."""
    keys = [k for k in keys if k and not k.startswith(("http://", "https://"))]
    for start in range(0, len(keys), BATCH):
        await enqueue(session, REMOVE_FILES_JOB, {"store": store.location, "keys": keys[start:start + BATCH]})


@handler(REMOVE_FILES_JOB, unit=False)
async def remove_files(db: object, payload: dict) -> None:
    store = open_store(payload["store"])
    await asyncio.to_thread(delete_files, store, [str(k) for k in payload.get("keys", [])])
