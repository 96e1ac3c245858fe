"""The 초성 keys and what a typed query stands for (pure functions, text.hangul_keys)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from madang.models.name_keys import initials_default
from madang.text.hangul_keys import initials_key, initials_of_key, name_key, patterns


def _finds(query: str, name: str) -> bool:
    key = name_key(name)
    return any(p.matches(key, initials_of_key(key)) for p in patterns(query))


def test_keys_of_a_name() -> None:
    assert name_key("안양 시청") == "안양시청"
    assert initials_key("안양 시청") == "ㅇㅇㅅㅊ"
    assert initials_key("Anyang 시청") == "anyangㅅㅊ"
    assert initials_key("까치산") == "ㄲㅊㅅ"


@pytest.mark.parametrize("query", ["ㅇㅇ", "ㅇㅇㅅㅊ", "안야", "안양", "안ㅇ", "안ㅇㅅ", "ㅇ양", "안양ㅅ", "안양시ㅊ", "안양시처",
                                   "안", "아", "ㅇ"])
def test_what_finds_anyang_city_hall(query: str) -> None:
    assert _finds(query, "안양시청")


@pytest.mark.parametrize("query", ["ㅇㅅ", "ㅇㅇㅊ", "안여", "양", "안양청", "ㅇㅇㅅㅊㅊ", "안얀", "ㅇㅇㅆ"])
def test_what_does_not(query: str) -> None:
    assert not _finds(query, "안양시청")


def test_a_final_the_next_vowel_moves_over() -> None:
    # Typing 아냐: ㅇ → 아 → 안 → 아냐. The screen shows 안 while the ㄴ may still become 냐's.
    assert _finds("안", "아냐")
    assert _finds("닭", "달걀")  # ㄹㄱ: 달 and then a syllable starting with ㄱ
    assert _finds("갈", "갉작")  # a compound final growing out of ㄹ
    assert not _finds("갉", "갈비")


def test_a_lone_compound_consonant_is_two_initials() -> None:
    assert _finds("ㄳ", "고수")  # some keyboards join ㄱ and ㅅ typed in a row into ㄳ


def test_latin_queries_leave_the_keys_alone() -> None:
    assert patterns("anyang") == []
    assert patterns("") == []
    assert patterns("ㅇ" * 101) == []  # longer than any name


@given(st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8))
def test_every_prefix_of_the_initials_finds_the_name(name: str) -> None:
    initials = initials_key(name)
    for end in range(1, len(initials) + 1):
        assert _finds(initials[:end], name)
    for end in range(1, len(name) + 1):  # and every prefix of the name itself, typed as it is
        assert _finds(name[:end], name)


@given(st.text(min_size=0, max_size=20))
def test_the_models_default_agrees_with_the_text_rule(key: str) -> None:
    class Context:
        def get_current_parameters(self) -> dict:
            return {"key": key}
    assert initials_default(Context()) == initials_of_key(key)
