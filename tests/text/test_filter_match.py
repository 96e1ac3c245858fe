"""Filter keyword matching: substring for Hangul, word boundaries for Latin scripts."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.text.filter_match import fold, matches

HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=6)
LATIN_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1,
                     max_size=8)
ANY_TEXT = st.text(max_size=40)
SEPARATORS = st.sampled_from([" ", "\n", ".", ",", "!", "#", "(", ")", "—", "…", "「", "」", ""])


@pytest.mark.parametrize(("keyword", "text"), [
    ("안양", "안양에서 축구 봤어요"),
    ("안양", "오늘 안양시청 앞"),
    ("축구부", "여자축구부 경기"),
    ("안양", "#안양 맛집"),
    ("park", "Central Park is nice"),
    ("park", "park에서 만나요"),
    ("iphone", "iPhone에서 보냄"),
    ("park", "PARK!"),
    ("park", "ＰＡＲＫ 전각"),
    ("bad word", "a bad\nword here"),
    ("안양 FC", "안양 FC 이겼다"),
    ("2024", "2024년 예산"),
    ("c++", "I like C++ a lot"),
])
def test_whole_word_matches(keyword: str, text: str) -> None:
    assert matches(keyword, True, text)


@pytest.mark.parametrize(("keyword", "text"), [
    ("park", "parking lot"),
    ("park", "skatepark"),
    ("park", "park_ing"),
    ("2024", "20245번"),
    ("안양", "안산에서"),
    ("cat", "concatenate"),
    ("안양 FC", "안양 FCB"),
])
def test_whole_word_does_not_match(keyword: str, text: str) -> None:
    assert not matches(keyword, True, text)


def test_not_whole_word_is_a_substring() -> None:
    assert matches("park", False, "parking lot")
    assert not matches("park", False, "par king")


def test_blank_keyword_matches_nothing() -> None:
    assert not matches("   ", False, "anything")
    assert not matches("", True, "")


def test_decomposed_hangul_matches_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "안양에서")
    assert matches("안양", True, decomposed)


@given(keyword=ANY_TEXT, whole=st.booleans())
def test_keyword_matches_itself(keyword: str, whole: bool) -> None:
    if fold(keyword).strip():
        assert matches(keyword, whole, keyword)


@given(keyword=ANY_TEXT, text=ANY_TEXT)
def test_substring_mode_is_folded_containment(keyword: str, text: str) -> None:
    folded = fold(keyword).strip()
    if folded and " " not in folded and not any(c.isspace() for c in folded):
        assert matches(keyword, False, text) == (folded in fold(text))


@given(keyword=ANY_TEXT, text=ANY_TEXT)
def test_whole_word_implies_substring(keyword: str, text: str) -> None:
    if matches(keyword, True, text):
        assert matches(keyword, False, text)


@given(keyword=HANGUL, before=ANY_TEXT, after=ANY_TEXT)
def test_hangul_keyword_matches_inside_any_text(keyword: str, before: str, after: str) -> None:
    # Particles, compounds, anything around it: a Hangul keyword is always found.
    assert matches(keyword, True, before + keyword + after)


@given(word=LATIN_WORD, before=SEPARATORS, after=SEPARATORS, particle=st.sampled_from(["", "에서", "는", "을"]))
def test_latin_word_between_boundaries_matches(word: str, before: str, after: str, particle: str) -> None:
    assert matches(word, True, f"앞{before}{word}{particle}{after}뒤")


@given(word=LATIN_WORD, glue=LATIN_WORD, left=st.booleans())
@settings(max_examples=200)
def test_latin_word_glued_to_latin_does_not_match(word: str, glue: str, left: bool) -> None:
    # The whole text is one Latin word longer than the keyword: every occurrence is glued.
    text = f"{glue}{word}" if left else f"{word}{glue}"
    assert not matches(word, True, text)


@given(word=LATIN_WORD, text=ANY_TEXT)
def test_case_does_not_matter(word: str, text: str) -> None:
    assert matches(word, True, text) == matches(word.upper(), True, text.lower())
