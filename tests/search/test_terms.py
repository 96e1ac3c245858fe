"""The tokenizer (madang.text.search_terms): examples and properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from madang.text.search_terms import document_terms, query_terms, strip_particle

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
TEXT = st.text(alphabet=st.one_of(HANGUL, st.sampled_from(list("abcXYZ0129 .,#@\n한국어안양에서는을를")),
                                  st.characters()), max_size=60)


def test_hangul_is_cut_in_overlapping_pairs_and_latin_in_words() -> None:
    assert document_terms("안양시청") == {"안양", "양시", "시청"}
    assert document_terms("비") == {"비"}
    assert document_terms("BTS콘서트") == document_terms("bts 콘서트") == {"bts", "콘서", "서트"}
    assert document_terms("iPhone15") == {"iphone", "15"}
    assert document_terms("ＢＴＳ") == {"bts"}  # full-width folds
    assert document_terms("https://anyang.go.kr") == {"anyang", "go", "kr"}


def test_pairs_across_a_space_join_spaced_and_glued_writing() -> None:
    assert "거도" in document_terms("자전거 도로")
    assert "거도" not in document_terms("자전거, 도로")


def test_particles_are_stripped_only_where_the_word_stays_a_word() -> None:
    assert strip_particle("안양에서") == "안양"
    assert strip_particle("부산으로") == "부산"
    assert strip_particle("안양은") == "안양"
    assert strip_particle("여자축구부는") == "여자축구부"
    assert strip_particle("도서관이") == "도서관"  # 4 syllables: the ambiguous 이 goes
    for noun in ("고양이", "경기도", "세종로", "소아과", "전문가", "마을", "회의", "에서"):
        assert strip_particle(noun) == noun


def test_queries() -> None:
    assert query_terms("안양에서") == [("안양",)]
    assert query_terms("BTS콘서트") == [("bts",), ("콘서",), ("서트",)]
    assert query_terms("비")[0][:3] == ("비", "비은", "비는")
    assert query_terms("!!! 🙂") == []


@given(TEXT)
def test_every_text_finds_itself(text: str) -> None:
    terms = document_terms(text)
    for group in query_terms(text):
        assert set(group) & terms, (text, group)


@given(TEXT)
def test_case_and_width_do_not_matter(text: str) -> None:
    assert document_terms(text.upper()) == document_terms(text.lower()) or not text.isascii()


@given(TEXT)
def test_terms_fit_the_column(text: str) -> None:
    assert all(0 < len(term) <= 32 for term in document_terms(text))
