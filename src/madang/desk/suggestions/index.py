"""One organisation's suggestion index, held per process: BM25 (the ``bm25s`` library, sparse
matrices) over the lemmas of its answered cases and its canned answers.

The lemmas are computed once, when a case is answered (``indexing``), and stored; a process
builds its index from the stored rows the first time a case of the organisation is opened, and
again when rows were added (or canned answers changed). A small index (< ``SYNC_BUILD_DOCS``) is
rebuilt before answering; a large one keeps answering from the old index while a thread builds
the new one, at most once per ``REBUILD_EVERY`` seconds (decision 0064: a new answer shows up in
suggestions within that delay on a big desk)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.desk_canned import CannedAnswer
from madang.models.desk_suggestions import SuggestionDoc

SYNC_BUILD_DOCS = 5_000
REBUILD_EVERY = 30.0
K1, B = 1.5, 0.75


@dataclass(frozen=True)
class Hit:
    kind: str  # case | canned
    id: int  # the case's or the canned answer's id
    score: float  # BM25
    match: float  # 0–1: the share of the question's term weight (idf) the document holds


@dataclass
class _Built:
    retriever: Any  # bm25s.BM25
    vocab: dict[str, int]
    keys: list[tuple[str, int]]  # position -> (kind, id)
    df: Any  # numpy array: documents per vocabulary entry
    n: int
    signature: tuple


@dataclass
class _Slot:
    built: _Built | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    building: asyncio.Task | None = None
    built_at: float = 0.0


_SLOTS: dict[int, _Slot] = {}
_CANNED_TERMS: dict[tuple[int, object], list[str]] = {}


def forget_indexes() -> None:
    """For tests that start over with another database in the same process."""
    _SLOTS.clear()
    _CANNED_TERMS.clear()


async def _signature(session: AsyncSession, organisation_id: int) -> tuple:
    last = await session.scalar(select(func.max(SuggestionDoc.id)).where(
        SuggestionDoc.organisation_id == organisation_id))
    canned = (await session.execute(select(func.count(CannedAnswer.id), func.max(CannedAnswer.updated_at))
                                    .where(CannedAnswer.organisation_id == organisation_id))).one()
    return (last or 0, canned[0], str(canned[1]))


async def _rows(session: AsyncSession, organisation_id: int) -> tuple[list[tuple[str, int]], list[list[str]]]:
    from madang.desk.suggestions.terms import terms

    keys: list[tuple[str, int]] = []
    docs: list[list[str]] = []
    for answer in await session.scalars(select(CannedAnswer).where(CannedAnswer.organisation_id == organisation_id)
                                        .order_by(CannedAnswer.id)):
        cache_key = (answer.id, answer.updated_at)
        if cache_key not in _CANNED_TERMS:
            _CANNED_TERMS[cache_key] = terms(answer.title, answer.text)
        keys.append(("canned", answer.id))
        docs.append(_CANNED_TERMS[cache_key])
    result = await session.execute(select(SuggestionDoc.case_id, SuggestionDoc.lemmas)
                                   .where(SuggestionDoc.organisation_id == organisation_id)
                                   .order_by(SuggestionDoc.id))
    for case_id, lemmas in result:
        keys.append(("case", case_id))
        docs.append(lemmas.split())
    return keys, docs


def _build(keys: list[tuple[str, int]], docs: list[list[str]], signature: tuple) -> _Built | None:
    if not docs:
        return None
    import bm25s
    import numpy as np
    from bm25s.tokenization import Tokenized

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in docs]
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    # Documents per term, read from the score matrix's columns (CSC: one column a term).
    df = np.diff(retriever.scores["indptr"])
    return _Built(retriever=retriever, vocab=retriever.vocab_dict, keys=keys, df=df, n=len(docs),
                  signature=signature)


async def index_for(session: AsyncSession, organisation_id: int) -> _Built | None:
    """The organisation's index, current or (for a large desk being rebuilt) a little behind."""
    slot = _SLOTS.setdefault(organisation_id, _Slot())
    signature = await _signature(session, organisation_id)
    built = slot.built
    if built is not None and built.signature == signature:
        return built
    if built is not None and built.n >= SYNC_BUILD_DOCS:
        if slot.building is None and time.monotonic() - slot.built_at >= REBUILD_EVERY:
            keys, docs = await _rows(session, organisation_id)
            slot.built_at = time.monotonic()
            slot.building = asyncio.get_running_loop().create_task(_rebuild(slot, keys, docs, signature))
        return built
    async with slot.lock:
        if slot.built is not None and slot.built.signature == signature:
            return slot.built
        keys, docs = await _rows(session, organisation_id)
        slot.built = await asyncio.to_thread(_build, keys, docs, signature)
        slot.built_at = time.monotonic()
        return slot.built


async def _rebuild(slot: _Slot, keys: list[tuple[str, int]], docs: list[list[str]], signature: tuple) -> None:
    try:
        slot.built = await asyncio.to_thread(_build, keys, docs, signature)
    finally:
        slot.building = None


def _idf(df: float, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def rank(built: _Built, query: list[str], *, limit: int, exclude: tuple[str, int] | None = None) -> list[Hit]:
    """The ``limit`` best documents for the query's terms, best first; none without a match."""
    import numpy as np

    known = [t for t in dict.fromkeys(query) if t in built.vocab]
    if not known:
        return []
    scores = built.retriever.get_scores(known)
    take = min(len(scores), limit + 1)
    top = np.argpartition(-scores, take - 1)[:take]
    top = top[np.argsort(-scores[top], kind="stable")]
    weights = {t: _idf(float(built.df[built.vocab[t]]), built.n) for t in known}
    # A question's word never seen in any answer weighs as a word in no document.
    total = sum(weights.values()) + _idf(0, built.n) * len(set(query) - set(known))
    hits = []
    for position in top:
        score = float(scores[position])
        key = built.keys[int(position)]
        if score <= 0 or key == exclude:
            continue
        held = sum(w for t, w in weights.items() if _holds(built, int(position), built.vocab[t]))
        hits.append(Hit(kind=key[0], id=key[1], score=score, match=held / total if total else 0.0))
        if len(hits) == limit:
            break
    return hits


def _holds(built: _Built, position: int, term: int) -> bool:
    import numpy as np

    scores = built.retriever.scores
    start, end = scores["indptr"][term], scores["indptr"][term + 1]
    column = scores["indices"][start:end]
    at = int(np.searchsorted(column, position))
    return at < len(column) and int(column[at]) == position
