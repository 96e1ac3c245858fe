"""The index's BM25 is the ``bm25s`` library's (Lucene's variant): same scores on the same
documents; and answers told with another greeting are one suggestion."""

from __future__ import annotations

import random

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from madang.desk.suggestions.index import _build, rank, scores
from madang.desk.suggestions.terms import answer_hash, hash_distance


def _index(docs: list[list[str]], hashes: list[int] | None = None):  # type: ignore[no-untyped-def]
    keys = [("case", i + 1) for i in range(len(docs))]
    return _build(keys, [" ".join(doc) for doc in docs], hashes or list(range(0, len(docs) << 30, 1 << 30)),
                  ("test",))


def test_scores_are_the_bm25s_librarys() -> None:
    rng = random.Random(64)
    words = [f"낱말{i}" for i in range(300)]
    docs = [[rng.choice(words[: rng.randint(5, 300)]) for _ in range(rng.randint(1, 40))] for _ in range(500)]
    built = _index(docs)
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(w, len(vocab)) for w in doc] for doc in docs]
    reference = bm25s.BM25(k1=1.5, b=0.75)  # method="lucene", the library's default
    reference.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    for _ in range(50):
        query = rng.sample(words, rng.randint(1, 8)) + ["없는낱말"]
        expected = reference.get_scores([w for w in query if w in vocab])
        assert np.allclose(scores(built, query), expected, rtol=1e-4, atol=1e-6)


def test_the_same_answer_with_another_greeting_is_suggested_once() -> None:
    answer = "공영주차장은 처음 30분 500원, 이후 10분마다 200원이며 하루 최대 1만 원입니다."
    other = "거주자 우선주차는 분기마다 누리집에서 신청을 받고 추첨으로 배정합니다."
    texts = [answer, "안녕하세요, 마당시입니다. " + answer + " 감사합니다.", other]
    hashes = [answer_hash(t) for t in texts]
    assert hash_distance(hashes[0], hashes[1]) <= 20 < hash_distance(hashes[0], hashes[2])
    built = _index([["공영", "주차장", "요금"], ["공영", "주차장", "요금", "안녕"], ["주차", "신청"]], hashes)
    assert built is not None
    hits = rank(built, ["주차장", "요금", "주차"], limit=3)
    ids = [h.id for h in hits]
    # The second case is the first one's answer again: one of the two is shown, with the third.
    assert len(ids) == 2 and 3 in ids and len({1, 2} & set(ids)) == 1
    assert all(0 < h.match <= 1 for h in hits)
