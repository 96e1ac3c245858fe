"""The analyser's lemmas (decision 0061): dictionary forms of verbs and adjectives, nouns,
compounds whole and split, Latin words without their particle; loaded once, thread-safe."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from madang.text.lemmas import lemmas, warm


@pytest.mark.parametrize(("text", "expected"), [
    ("축제가 열렸습니다", ["축제", "열리다"]),
    ("고쳐 주세요", ["고치다"]),
    ("아름다워요", ["아름답다"]),
    ("KTX를 타고 왔어요", ["ktx", "타다"]),
    ("어제 집에 왔어요", ["집", "오다"]),
    ("ＫＴＸ를", ["ktx"]),
    ("수리했어요", ["수리", "수리하다"]),
    ("도서관이 문을 닫았다", ["도서관", "문", "닫다"]),
])
def test_dictionary_forms_in_order(text: str, expected: list[str]) -> None:
    got = lemmas(text)
    assert [g for g in got if g in expected] == expected, got


def test_compound_nouns_whole_and_split() -> None:
    got = lemmas("여자축구부 안양시청 가로등이 고장났어요")
    for term in ("여자축구부", "축구", "안양시청", "안양", "시청", "가로등"):
        assert term in got, got


def test_empty_and_symbols() -> None:
    assert lemmas("") == []
    assert lemmas("   ") == []
    assert lemmas("!!! ...") == []


def test_repeats_are_kept_for_counting() -> None:
    assert lemmas("버스 버스 버스").count("버스") == 3


def test_threads_share_one_analyser() -> None:
    warm()
    texts = ["축제가 열렸습니다", "고쳐 주세요", "아름다워요"] * 50
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lemmas, texts))
    assert results == [lemmas(t) for t in texts]


def test_importing_does_not_load_the_analyser() -> None:
    probe = "import sys, madang.text.lemmas; print('mecab' in sys.modules or '_mecab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr[-1000:]
