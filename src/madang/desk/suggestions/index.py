"""One organisation's suggestion index, held per process: BM25 over the lemmas of its answered
cases and its canned answers, as a sparse matrix (scipy): one column a term, one row a document,
each entry the term's BM25 weight in the document (Lucene's variant, the default of the ``bm25s``
library, whose scores a test compares with these). A query adds its terms' columns.

Why not ``bm25s`` itself: its index is built by a Python loop over the documents; with 100,000
past cases that took 49 s and 580 MB on the shared dev box (bench/desk_suggest_bench.py, decision
0064). Here the build is a few vectorised numpy operations over one flat array of term ids.

The lemmas are computed once, when a case is answered (``indexing``), and stored; a process
builds its index from the stored rows the first time a case of the organisation is opened, and
again when rows were added (or canned answers changed). A small index (< ``SYNC_BUILD_DOCS``) is
rebuilt before answering; a large one keeps answering from the old index while a thread builds
the new one, at most once per ``REBUILD_EVERY`` seconds (a new answer shows up in suggestions
within that delay on a big desk).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.desk_canned import CannedAnswer
from madang.models.desk_suggestions import SuggestionDoc

SYNC_BUILD_DOCS = 5_000
REBUILD_EVERY = 30.0
CHECK_EVERY = 1.0  # a large index looks for new rows at most this often (seconds)
BUILD_SLICE = 4_096
K1, B = 1.5, 0.75


@dataclass(frozen=True)
class Hit:
    kind: str  # case | canned
    id: int  # the case's or the canned answer's id
    score: float  # BM25
    match: float  # 0–1: the share of the question's term weight (idf) the document holds


@dataclass
class _Built:
    vocab: dict[str, int]
    keys: list[tuple[str, int]]  # row -> (kind, id)
    indptr: Any  # numpy: CSC column pointers (one column a term)
    rows: Any  # numpy int32: the documents holding each term, ascending within a column
    weights: Any  # numpy float32: the term's BM25 weight in that document
    idf: Any  # numpy float32 per term
    hashes: Any  # numpy uint64: row -> the answer's SimHash (terms.answer_hash)
    n: int
    signature: tuple


@dataclass
class _Slot:
    built: _Built | None = None
    checked_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    building: asyncio.Task | None = None
    built_at: float = 0.0


_SLOTS: dict[int, _Slot] = {}
_CANNED_TERMS: dict[tuple[int, object], tuple[list[str], int]] = {}
CANDIDATES = 300  # the best documents looked at for ``limit`` different answers
SAME_ANSWER_BITS = 20  # SimHashes this close (of 64 bits) are one answer told another way


def forget_indexes() -> None:
    """For tests that start over with another database in the same process."""
    _SLOTS.clear()
    _CANNED_TERMS.clear()


# Built once (statement construction is most of a small query's cost).
_ORG = bindparam("organisation_id")
# ORDER BY … LIMIT 1 rather than max(): both databases then read one entry of the index.
_LAST = (select(SuggestionDoc.id).where(SuggestionDoc.organisation_id == _ORG)
         .order_by(SuggestionDoc.id.desc()).limit(1))
_CANNED_STATE = (select(func.count(CannedAnswer.id), func.max(CannedAnswer.updated_at))
                 .where(CannedAnswer.organisation_id == _ORG))
_CANNED = select(CannedAnswer).where(CannedAnswer.organisation_id == _ORG).order_by(CannedAnswer.id)
_DOCS = (select(SuggestionDoc.case_id, SuggestionDoc.lemmas, SuggestionDoc.answer_hash)
         .where(SuggestionDoc.organisation_id == _ORG).order_by(SuggestionDoc.id))


async def _signature(session: AsyncSession, organisation_id: int) -> tuple:
    last = await session.scalar(_LAST.params(organisation_id=organisation_id))
    canned = (await session.execute(_CANNED_STATE.params(organisation_id=organisation_id))).one()
    return (last or 0, canned[0], str(canned[1]))


async def _rows(session: AsyncSession, organisation_id: int) -> tuple[list[tuple[str, int]], list[str], list[int]]:
    """Every document of the organisation: (keys, space-separated lemmas, answer hashes)."""
    from madang.desk.suggestions.terms import answer_hash, terms

    keys: list[tuple[str, int]] = []
    texts: list[str] = []
    hashes: list[int] = []
    for answer in await session.scalars(_CANNED.params(organisation_id=organisation_id)):
        cache_key = (answer.id, answer.updated_at)
        if cache_key not in _CANNED_TERMS:
            _CANNED_TERMS[cache_key] = (" ".join(terms(answer.title, answer.text)), answer_hash(answer.text))
        keys.append(("canned", answer.id))
        texts.append(_CANNED_TERMS[cache_key][0])
        hashes.append(_CANNED_TERMS[cache_key][1])
    for case_id, lemmas, hashed in await session.execute(_DOCS.params(organisation_id=organisation_id)):
        keys.append(("case", case_id))
        texts.append(lemmas)
        hashes.append(hashed)
    return keys, texts, hashes


def _build(keys: list[tuple[str, int]], texts: list[str], hashes: list[int], signature: tuple) -> _Built | None:
    """The BM25 matrix of the documents, in a few vectorised steps (run in a thread)."""
    import itertools

    import numpy as np

    n = len(keys)
    if not n:
        return None
    # Lemmas are joined by single spaces (indexing), so a document's length is its spaces + 1.
    lengths = np.fromiter((t.count(" ") + 1 if t else 0 for t in texts), dtype=np.int64, count=n)
    # Word -> the position of its first use (a C-level map, no Python loop), then those
    # positions renumbered 0..V-1. A slice of documents at a time: millions of word objects at
    # once would cost hundreds of MB for a moment.
    seen: dict[str, int] = {}
    counter = itertools.count()
    parts = []
    for start in range(0, n, BUILD_SLICE):
        words = " ".join(texts[start:start + BUILD_SLICE]).split()
        parts.append(np.fromiter(map(seen.setdefault, words, counter), dtype=np.int32, count=len(words)))
    raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    del parts
    firsts = np.fromiter(seen.values(), dtype=np.int32, count=len(seen))
    renumber = np.zeros(len(raw), dtype=np.int32)
    renumber[firsts] = np.arange(len(firsts), dtype=np.int32)
    terms = renumber[raw]
    del raw, renumber
    vocab = {word: column for column, word in enumerate(seen)}
    docs = np.repeat(np.arange(n, dtype=np.int32), lengths)
    # Sorted by term; a stable sort keeps each term's documents in order (CSC order). On 16-bit
    # keys numpy's stable sort is a radix sort: linear, where sorting (term, document) pairs took
    # seconds for 100,000 documents.
    keys_dtype = np.uint16 if len(vocab) <= 1 << 16 else np.int32
    order = np.argsort(terms.astype(keys_dtype), kind="stable")
    terms, docs = terms[order], docs[order]
    del order
    # One entry per (term, document), with its count (a document may use a word twice).
    first = np.ones(len(terms), dtype=bool)
    first[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(first)
    tf = np.diff(np.append(starts, len(terms)))
    columns, rows = terms[starts], docs[starts]
    del terms, docs, first, starts
    df = np.bincount(columns, minlength=len(vocab))
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    norm = K1 * (1 - B + B * lengths / max(float(lengths.mean()), 1e-9))
    weights = (idf[columns] * tf / (tf + norm[rows])).astype(np.float32)
    indptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
    return _Built(vocab=vocab, keys=keys, indptr=indptr, rows=rows, weights=weights,
                  idf=idf.astype(np.float32), hashes=np.array(hashes, dtype=np.int64).view(np.uint64), n=n,
                  signature=signature)


async def index_for(session: AsyncSession, organisation_id: int) -> _Built | None:
    """The organisation's index, current or (for a large desk being rebuilt) a little behind."""
    slot = _SLOTS.setdefault(organisation_id, _Slot())
    built = slot.built
    if built is not None and built.n >= SYNC_BUILD_DOCS and time.monotonic() - slot.checked_at < CHECK_EVERY:
        return built  # a busy desk: its rows were looked at a moment ago
    signature = await _signature(session, organisation_id)
    slot.checked_at = time.monotonic()
    if built is not None and built.signature == signature:
        return built
    if built is not None and built.n >= SYNC_BUILD_DOCS:
        if slot.building is None and time.monotonic() - slot.built_at >= REBUILD_EVERY:
            rows = await _rows(session, organisation_id)
            slot.built_at = time.monotonic()
            slot.building = asyncio.get_running_loop().create_task(_rebuild(slot, rows, signature))
        return built
    async with slot.lock:
        if slot.built is not None and slot.built.signature == signature:
            return slot.built
        rows = await _rows(session, organisation_id)
        slot.built = await asyncio.to_thread(_build, *rows, signature)
        slot.built_at = time.monotonic()
        return slot.built


async def _rebuild(slot: _Slot, rows: tuple, signature: tuple) -> None:
    try:
        slot.built = await asyncio.to_thread(_build, *rows, signature)
    finally:
        slot.building = None


def scores(built: _Built, query: list[str]) -> Any:
    """Every document's BM25 score for the query's distinct known terms."""
    import numpy as np

    out = np.zeros(built.n, dtype=np.float32)
    for term in dict.fromkeys(query):
        column = built.vocab.get(term)
        if column is not None:
            start, end = built.indptr[column], built.indptr[column + 1]
            out[built.rows[start:end]] += built.weights[start:end]  # a column holds a document once
    return out


def rank(built: _Built, query: list[str], *, limit: int, exclude: tuple[str, int] | None = None) -> list[Hit]:
    """The ``limit`` best documents for the query's terms, best first; none without a match."""
    import numpy as np

    distinct = list(dict.fromkeys(query))
    known = [t for t in distinct if t in built.vocab]
    if not known:
        return []
    scored = scores(built, known)
    take = min(len(scored), CANDIDATES)
    top = np.argpartition(-scored, take - 1)[:take]
    top = top[np.argsort(-scored[top], kind="stable")]
    top = top[scored[top] > 0]
    weights = {t: float(built.idf[built.vocab[t]]) for t in known}
    # A question's word found in no document weighs as much as a word can.
    unseen = math.log(1 + (built.n + 0.5) / 0.5)
    total = sum(weights.values()) + unseen * (len(distinct) - len(known))
    hits = []
    hashes = built.hashes[top]
    while len(top) and len(hits) < limit:
        position = int(top[0])
        if built.keys[position] == exclude:
            top, hashes = top[1:], hashes[1:]
            continue
        held = sum(w for t, w in weights.items() if _holds(built, position, built.vocab[t]))
        kind, id_ = built.keys[position]
        hits.append(Hit(kind=kind, id=id_, score=float(scored[position]), match=held / total if total else 0.0))
        # The same answer told with another greeting (a near SimHash) is not shown again.
        far = np.bitwise_count(hashes ^ hashes[0]) > SAME_ANSWER_BITS
        top, hashes = top[far], hashes[far]
    return hits


def _holds(built: _Built, position: int, term: int) -> bool:
    import numpy as np

    column = built.rows[built.indptr[term]:built.indptr[term + 1]]
    at = int(np.searchsorted(column, position))
    return at < len(column) and int(column[at]) == position
