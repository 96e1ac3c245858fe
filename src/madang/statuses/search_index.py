"""Keeping the status search index in step with posts, in the transaction that changes them.

A post's terms come from its own text (`text.search_terms`'s bigrams and words, and
`text.lemmas`' lemma terms, decision 0061), so what was indexed can be
computed again when the post is edited or deleted: no second index on status_id is needed
to find its rows. `reindex_all` rebuilds everything, for a tokenizer change.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.fast_write import FastInsert
from madang.models import Status, StatusSearchTerm
from madang.text.lemmas import index_terms

_TERMS = StatusSearchTerm.__table__


def status_terms(status: Status) -> set[str]:
    """What ``status`` is indexed under as it is now (a boost is not indexed: its original is)."""
    if status.reblog_of_id is not None or status.deleted_at is not None:
        return set()
    return index_terms(status.text, status.spoiler_text)


_TERM_ROWS = FastInsert(_TERMS)


async def _add(session: AsyncSession, status_id: int, terms: Iterable[str]) -> None:
    # One executemany on the driver connection: every post pays this (db.fast_write).
    await _TERM_ROWS.run(session, [{"term": term, "status_id": status_id} for term in sorted(terms)])


async def _remove(session: AsyncSession, status_id: int, terms: Iterable[str]) -> None:
    terms = sorted(terms)
    if terms:
        await session.execute(delete(_TERMS).where(_TERMS.c.status_id == status_id, _TERMS.c.term.in_(terms)))


async def index_status(session: AsyncSession, status: Status, terms: Iterable[str] | None = None) -> None:
    """After a status is created (and flushed, so it has its id); ``terms`` when they were
    computed before the write unit (they are `status_terms(status)`)."""
    await _add(session, status.id, status_terms(status) if terms is None else terms)


async def reindex_status(session: AsyncSession, status: Status, previous: set[str]) -> None:
    """After an edit; ``previous`` is `status_terms(status)` taken before the text changed.
    Only the difference is written."""
    current = status_terms(status)
    await _remove(session, status.id, previous - current)
    await _add(session, status.id, current - previous)


async def unindex_status(session: AsyncSession, status: Status) -> None:
    """When a status is deleted (its text is kept, so its terms are known)."""
    await _remove(session, status.id, index_terms(status.text, status.spoiler_text))


async def reindex_all(session: AsyncSession, *, batch: int = 2000) -> int:
    """Empty the index and index every live post again; returns how many were indexed.
    For a tokenizer change (a migration or a job calls it) and for tests and benchmarks."""
    await session.execute(delete(_TERMS))
    after, indexed = -1, 0
    while True:
        rows = (await session.execute(
            select(Status.id, Status.text, Status.spoiler_text)
            .where(Status.id > after, Status.reblog_of_id.is_(None), Status.deleted_at.is_(None))
            .order_by(Status.id).limit(batch)
        )).all()
        if not rows:
            return indexed
        values = [{"term": term, "status_id": status_id}
                  for status_id, text, spoiler in rows for term in index_terms(text, spoiler)]
        if values:
            await session.execute(insert(_TERMS), values)
        indexed += len(rows)
        after = rows[-1][0]
