"""Korean particles chosen from the word before them (madang.text.particles)."""

from __future__ import annotations

import pytest

from madang.text.particles import particle, resolve_particles, with_particle


@pytest.mark.parametrize(("word", "i_ga", "eul_reul", "eun_neun", "gwa_wa", "euro_ro"), [
    ("후보", "가", "를", "는", "와", "로"),          # no final consonant
    ("당선인", "이", "을", "은", "과", "으로"),      # ㄴ
    ("서울", "이", "을", "은", "과", "로"),          # ㄹ takes 로
    ("‘후보’", "가", "를", "는", "와", "로"),        # closing quotes are looked through
    ("후보, 예비후보", "가", "를", "는", "와", "로"),  # the last word counts
    ("3", "이", "을", "은", "과", "으로"),           # 삼
    ("2", "가", "를", "는", "와", "로"),             # 이
    ("1", "이", "을", "은", "과", "로"),             # 일: ㄹ
    ("10", "이", "을", "은", "과", "으로"),          # 십
    ("K", "가", "를", "는", "와", "로"),             # 케이
    ("L", "이", "을", "은", "과", "로"),             # 엘
    ("Mastodon", "이", "을", "은", "과", "으로"),    # …엔
    ("streetlight", "가", "를", "는", "와", "로"),   # …티
])
def test_the_form_follows_the_last_syllable(word: str, i_ga: str, eul_reul: str, eun_neun: str, gwa_wa: str,
                                            euro_ro: str) -> None:
    assert [particle(word, p) for p in ("이/가", "을/를", "은/는", "과/와", "으로/로")] == [
        i_ga, eul_reul, eun_neun, gwa_wa, euro_ro]
    # any spelling of the particle names the same pair
    assert particle(word, "이(가)") == particle(word, "가") == particle(word, "이") == i_ga


def test_unreadable_words_keep_the_neutral_form() -> None:
    assert particle("👍", "이/가") == "이(가)"
    assert particle("", "을/를") == "을(를)"
    assert particle("…", "으로/로") == "(으)로"


def test_with_particle_and_unknown_particles() -> None:
    assert with_particle("후보", "이/가") == "후보가"
    with pytest.raises(ValueError):
        particle("후보", "의")


def test_resolve_particles_in_a_sentence() -> None:
    assert resolve_particles("프로필에 ‘후보’이(가) 남아 있습니다") == "프로필에 ‘후보’가 남아 있습니다"
    assert resolve_particles("프로필에 ‘당선인’이(가) 남아 있습니다") == "프로필에 ‘당선인’이 남아 있습니다"
    assert resolve_particles("ko은(는) 올바른 언어 코드가 아닙니다") == "ko는 올바른 언어 코드가 아닙니다"
    assert resolve_particles("필수 속성 pole_number(관리번호)이(가) 없습니다") == "필수 속성 pole_number(관리번호)가 없습니다"
    assert resolve_particles("👍이(가)") == "👍이(가)"
    assert resolve_particles("이(가) 없음") == "이(가) 없음"  # nothing before it: left alone


def test_web_error_messages_take_the_particle_of_their_word() -> None:
    """Messages made from a value (the domain's Korean ones as well) read with the right particle."""
    from madang.core.errors import Invalid
    from madang.web.messages import describe

    assert describe("zz is not a valid language code") == "zz는 올바른 언어 코드가 아닙니다."
    assert describe("Invalid date '2026-13-01' for since: x") == "since: 뒤의 날짜 2026-13-01이 올바르지 않습니다. (예: 2026-11-25)"
    assert describe(Invalid("서비스 코드 streetlight이(가) 없습니다")) == "서비스 코드 streetlight가 없습니다"
