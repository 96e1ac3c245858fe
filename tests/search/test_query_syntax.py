"""Parsing Mastodon's search syntax (pure): examples, and properties over generated queries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.core.errors import Invalid
from madang.search.phrases import contains_phrase
from madang.search.query_syntax import _SPACE as SPACE
from madang.search.query_syntax import Operator, ParsedQuery, parse_query

LIMITS = settings(max_examples=200, deadline=None, database=None)


def test_a_query_with_everything() -> None:
    parsed = parse_query('from:@AnyangLove 축제 -has:media "안양 중앙공원" -비 before:2026-03-01 '
                         '“벚꽃  축제” -"교통 통제" is:REPLY language:KO foo:bar')
    assert parsed == ParsedQuery(
        words=("축제", "foo:bar"), phrases=("안양 중앙공원", "벚꽃 축제"), excluded_words=("비",),
        excluded_phrases=("교통 통제",),
        operators=(Operator("from", "anyanglove"), Operator("has", "media", negated=True),
                   Operator("before", "2026-03-01"), Operator("is", "reply"), Operator("language", "ko")))
    assert parsed.text == "축제 foo:bar 안양 중앙공원 벚꽃 축제"


@pytest.mark.parametrize(("query", "words", "phrases"), [
    ('"안양 시청', (), ("안양 시청",)),  # an unclosed quote runs to the end
    ('""', (), ()),
    ("- 안양", ("-", "안양"), ()),  # a lone dash is a word (with no terms)
    ("--안양", (), ()),  # excludes the word -안양
    ("안양:시청 http://x.y has:", ("안양:시청", "http://x.y", "has:"), ()),  # not operators: text
])
def test_edges(query: str, words: tuple[str, ...], phrases: tuple[str, ...]) -> None:
    parsed = parse_query(query)
    assert (parsed.words, parsed.phrases) == (words, phrases)


@pytest.mark.parametrize("query", ["has:photo", "is:pinned", "before:2026-02-30", "during:today",
                                   "after:20260301", "language:한국어", "from:@", "from:a@b@c"])
def test_known_operators_with_values_they_cannot_take(query: str) -> None:
    with pytest.raises(Invalid):
        parse_query(query)


def test_phrase_matching_on_stored_text() -> None:
    assert contains_phrase("중앙공원 산책", "안양 중앙공원 산책하기")  # particles glued on at the ends
    assert contains_phrase("bts 콘서트", "BTS콘서트 가요")  # the runs, as the index cuts them
    assert contains_phrase("안양 중앙공원", "글", "안양, 중앙공원!")  # any of the texts; punctuation between
    assert not contains_phrase("안양 공원", "안양 중앙공원")  # a run in the middle must be whole
    assert not contains_phrase("bts", "abts")
    assert not contains_phrase("공원 안양", "안양 중앙공원")
    assert not contains_phrase("!!!", "!!!")


_WORD = st.text(alphabet=st.sampled_from("안양시청축제벚꽃abcXYZ019"), min_size=1, max_size=6)
_SPACE = st.sampled_from([" ", "  ", "\t", "\u3000"])


@LIMITS
@given(st.lists(_WORD, min_size=0, max_size=8), _SPACE)
def test_plain_words_are_words(words: list[str], space: str) -> None:
    parsed = parse_query(space.join(words))
    assert parsed.words == tuple(words) and not parsed.operators and not parsed.phrases


_CLAUSE = st.one_of(
    _WORD.map(lambda w: ("word", w)),
    _WORD.map(lambda w: ("excluded", w)),
    st.lists(_WORD, min_size=1, max_size=3).map(lambda ws: ("phrase", " ".join(ws))),
    st.sampled_from(["media", "poll", "link"]).map(lambda v: ("has", v)),
    st.sampled_from(["2026-03-01", "2025-12-31"]).map(lambda v: ("before", v)),
    _WORD.map(lambda w: ("from", w.lower())),
)


def _render(kind: str, value: str) -> str:
    return {"word": value, "excluded": f"-{value}", "phrase": f'"{value}"'}.get(kind, f"{kind}:{value}")


@LIMITS
@given(st.lists(_CLAUSE, max_size=8), _SPACE)
def test_clauses_come_back_as_written(clauses: list[tuple[str, str]], space: str) -> None:
    parsed = parse_query(space.join(_render(k, v) for k, v in clauses))
    assert parsed.words == tuple(v for k, v in clauses if k == "word")
    assert parsed.excluded_words == tuple(v for k, v in clauses if k == "excluded")
    assert parsed.phrases == tuple(v for k, v in clauses if k == "phrase")
    assert [(o.name, o.value) for o in parsed.operators] == [(k, v) for k, v in clauses
                                                             if k not in ("word", "excluded", "phrase")]


@LIMITS
@given(st.text(max_size=60))
def test_any_text_parses_or_is_invalid(query: str) -> None:
    """Nothing crashes: a query parses, or a known operator's value is refused as Invalid."""
    try:
        parsed = parse_query(query)
    except Invalid:
        return
    for word in (*parsed.words, *parsed.excluded_words):
        assert word and word in query and not SPACE.search(word)
    for phrase in (*parsed.phrases, *parsed.excluded_phrases):
        assert phrase and phrase == SPACE.sub(" ", phrase).strip()


@LIMITS
@given(st.lists(_WORD, min_size=1, max_size=4), st.lists(_WORD, max_size=3), st.lists(_WORD, max_size=3))
def test_a_phrase_is_found_in_any_text_that_holds_it(phrase: list[str], before: list[str], after: list[str]) -> None:
    text = " ".join([*before, *phrase, *after])
    assert contains_phrase(" ".join(phrase), text)
