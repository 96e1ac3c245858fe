"""Bringing the existing posts' index up to today's terms, resumably (decision 0061).

`madang search reindex` calls `start` once and `step` until it says finished. Each step reads a
batch of posts after the checkpoint, analyses them with no write unit open, then in one short
write unit adds their missing rows (INSERT … ON CONFLICT DO NOTHING: a batch done twice does no
harm) and moves the checkpoint (`search_index_state.last_id`). Stopped at any point, the next run
goes on after the last committed batch. Search keeps working meanwhile: bigrams find every post,
lemmas find the ones done so far and every new one.

Rows of an older version are taken away when a new run starts: the lemma terms only (they are
one contiguous range of the key: `=` … `>`), or every row with ``rebuild`` (for a change of the
bigram cut; search then finds the posts as the run reaches them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from madang.core.clock import utcnow
from madang.db import Database
from madang.db.dialect import insert_ignore
from madang.models import SearchIndexState, Status, StatusSearchTerm
from madang.text.lemmas import LEMMA_MARK, index_terms, warm
from madang.text.search_terms import VERSION

NAME = "statuses"
BATCH = 1000
_TERMS = StatusSearchTerm.__table__
_LEMMA_RANGE = (LEMMA_MARK, chr(ord(LEMMA_MARK) + 1))  # every term that starts with the mark


@dataclass(frozen=True)
class Progress:
    version: int  # what the run writes (search_terms.VERSION)
    indexed_version: int  # what every post is indexed with for sure (the older one until the run ends)
    last_id: int
    finished: bool
    done: int = 0  # posts this step indexed
    remaining: int | None = None  # live posts after the checkpoint (counted on request)


def _live() -> Any:
    return (Status.reblog_of_id.is_(None), Status.deleted_at.is_(None))


async def state(db: Database, *, count: bool = False) -> Progress:
    async with db.read() as s:
        row = await s.get(SearchIndexState, NAME)
        last_id = row.last_id if row else 0
        remaining = None
        if count:
            remaining = await s.scalar(select(func.count()).select_from(Status).where(Status.id > last_id, *_live()))
    if row is None:  # a database made without migrations (tests' metadata): unknown, so rebuild
        return Progress(VERSION, 0, 0, False, remaining=remaining)
    finished = row.finished_at is not None and row.version == VERSION
    indexed = row.version if row.finished_at is not None else row.version - 1
    return Progress(VERSION, indexed, row.last_id if row.version == VERSION else 0, finished, remaining=remaining)


async def start(db: Database, *, rebuild: bool = False, restart: bool = False) -> Progress:
    """Begin a run unless one for today's version is under way or done (then resume, or say
    done); ``restart`` begins again from the first post; ``rebuild`` also drops the bigrams."""
    async with db.write() as s:
        row = await s.get(SearchIndexState, NAME)
        now = utcnow()
        if row is not None and row.version == VERSION and not (rebuild or restart):
            return Progress(VERSION, VERSION if row.finished_at else VERSION - 1, row.last_id,
                            row.finished_at is not None)
        if rebuild:
            await s.execute(delete(_TERMS))
        elif row is None or row.version != VERSION:
            low, high = _LEMMA_RANGE
            await s.execute(delete(_TERMS).where(_TERMS.c.term >= low, _TERMS.c.term < high))
        if row is None:
            row = SearchIndexState(name=NAME, version=VERSION, last_id=0, started_at=now, updated_at=now)
            s.add(row)
        else:
            row.version, row.last_id, row.started_at, row.updated_at, row.finished_at = VERSION, 0, now, now, None
    return Progress(VERSION, VERSION - 1, 0, False)


async def step(db: Database, *, batch: int = BATCH) -> Progress:
    """Index the next ``batch`` posts after the checkpoint; ``finished`` once none are left."""
    warm()
    async with db.read() as s:
        row = await s.get(SearchIndexState, NAME)
        if row is None or row.version != VERSION:
            raise RuntimeError("no reindex run under way: call start() first")
        if row.finished_at is not None:
            return Progress(VERSION, VERSION, row.last_id, True)
        after = row.last_id
        rows = (await s.execute(
            select(Status.id, Status.text, Status.spoiler_text)
            .where(Status.id > after, *_live()).order_by(Status.id).limit(batch)
        )).all()
    # Analysis outside the write unit: the single SQLite writer waits for none of it.
    values = [{"term": term, "status_id": status_id}
              for status_id, text, spoiler in rows for term in sorted(index_terms(text, spoiler))]
    last_id = rows[-1][0] if rows else after
    finished = len(rows) < batch
    async with db.write() as s:
        if values:
            await s.execute(insert_ignore(s, _TERMS).values(), values)  # executemany
        row = await s.get(SearchIndexState, NAME)
        if row is None or row.version != VERSION or row.last_id != after:
            raise RuntimeError("another reindex run moved the checkpoint; run one at a time")
        row.last_id, row.updated_at = last_id, utcnow()
        if finished:
            row.finished_at = row.updated_at
    return Progress(VERSION, VERSION if finished else VERSION - 1, last_id, finished, done=len(rows))
