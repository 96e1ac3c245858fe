"""Korean particles (조사) that depend on the word before them: 이/가, 을/를, 은/는, 과/와, 으로/로.

A word whose last syllable has a final consonant (받침) takes the first form (후보 → 후보가,
당선인 → 당선인이). Words ending in a digit or a Latin letter are read aloud as Koreans read them
(3 삼 → 3이, 2 이 → 2가; L 엘 → L이, K 케이 → K가); anything else (an emoji, only punctuation)
keeps the neutral written form "이(가)", which is never wrong. Closing quotes and brackets are
looked through: ‘후보’ takes 가 as 후보 does.
"""

from __future__ import annotations

import re

# (with 받침, without) for each particle, under every name a caller may use.
_PAIRS: dict[str, tuple[str, str]] = {}
for _with, _without in (("이", "가"), ("을", "를"), ("은", "는"), ("과", "와"), ("으로", "로"), ("이나", "나"),
                        ("이라", "라"), ("아", "야")):
    for _name in (f"{_with}/{_without}", f"{_with}({_without})", _with, _without):
        _PAIRS.setdefault(_name, (_with, _without))

# Digits as read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구 (ㄹ 받침 for 1, 7, 8).
_DIGIT_JONG = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
# Latin letters by their Korean names: 엘 엠 엔 알 end in a consonant, the rest (에이, 비, …) do not.
_LATIN_JONG = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
_RIEUL_INDEX = 8  # ㄹ among the 28 final-consonant slots of a Hangul syllable
_CLOSERS = "’'\"”)]}>」』》〉】.,!?… "


def _final(word: str) -> str | None:
    """The last syllable's final consonant ("" for none, "ㄹ" marked), None when unknown."""
    stripped = word.rstrip(_CLOSERS)
    if not stripped:
        return None
    last = stripped[-1]
    code = ord(last) - 0xAC00
    if 0 <= code < 11172:
        jong = code % 28
        return "" if jong == 0 else ("ㄹ" if jong == _RIEUL_INDEX else "ㅂ")  # any other consonant
    if last.isdigit() and last in _DIGIT_JONG:
        return _DIGIT_JONG[last]
    if last.isascii() and last.isalpha():
        return _LATIN_JONG.get(last.lower(), "")
    return None


def particle(word: str, which: str) -> str:
    """The form of particle ``which`` ("이/가", "을(를)", "은", …) that follows ``word``."""
    try:
        with_final, without = _PAIRS[which]
    except KeyError:
        raise ValueError(f"not a particle with two forms: {which!r}") from None
    final = _final(word)
    if final is None:  # the written neutral form: 이(가), (으)로
        return f"({with_final[:-len(without)]}){without}" if with_final.endswith(without) else f"{with_final}({without})"
    if with_final == "으로":  # ㄹ takes 로 as a vowel does: 서울로, 안양으로
        return with_final if final not in ("", "ㄹ") else without
    return with_final if final else without


def with_particle(word: str, which: str) -> str:
    """``word`` followed by the right form of ``which``: with_particle("후보", "이/가") == "후보가"."""
    return word + particle(word, which)


# A written neutral form after a word: 후보이(가), {code}을(를), 서울(으)로.
_NEUTRAL = re.compile(r"(\S+?)(이\(가\)|을\(를\)|은\(는\)|과\(와\)|\(으\)로|\(이\)나|\(이\)라)")
_NEUTRAL_NAMES = {"이(가)": "이/가", "을(를)": "을/를", "은(는)": "은/는", "과(와)": "과/와", "(으)로": "으로/로",
                  "(이)나": "이나/나", "(이)라": "이라/라"}


def resolve_particles(text: str) -> str:
    """Every neutral form in ``text`` ("이(가)", "을(를)", "은(는)", "과(와)", "(으)로") replaced by the one
    the word before it takes; left as it is where that word cannot be read (an emoji)."""
    return _NEUTRAL.sub(lambda m: m.group(1) + particle(m.group(1), _NEUTRAL_NAMES[m.group(2)]), text)
