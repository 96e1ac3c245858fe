"""초성 keys for autocomplete: how a Korean keyboard user types a name (decision 0062).

Two keys are stored beside a name, one character each per character of the name, so a
position in one is the same position in the other:

- the *name key*: the name case-folded (NFC), white space removed (`안양 시청` → `안양시청`);
- the *initials key*: each Hangul syllable of the name key replaced by its initial consonant
  as a keyboard types it (compatibility jamo, `안양시청` → `ㅇㅇㅅㅊ`); other characters stay.

A query becomes one or two ``Pattern``s: a prefix of the initials key (a range of an index)
and, per position, the name-key characters allowed there. `ㅇㅇ` is the prefix ㅇㅇ alone;
`안ㅇㅅ` is ㅇㅇㅅ with 안 at position 0; a last syllable still being typed stands for every
syllable it can grow into: `안야` allows 야…얗 (야 with any final consonant, 28 code points in
a row) at position 1, and `안` (which the next vowel may split into 아+ㄴ…, `아냐`) is either
안 and its compound finals, or 아 followed by a syllable starting with ㄴ.

The arithmetic is Unicode's own (a syllable is 0xAC00 + (initial × 21 + vowel) × 28 + final),
and the jamo are named through ``unicodedata``: the standard library carries the tables, so no
package is needed (the ones on the index, jamo, hangul-jamo and hgtk, are unmaintained).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
FINALS = 28  # "no final" and the 27 final consonants
MAX_TYPED = 100  # no name or tag is longer (accounts: 100, tags: 100 characters)
_FINAL_BASE = 0x11A7  # conjoining final index 1 is U+11A8


def is_syllable(char: str) -> bool:
    return SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


@lru_cache(maxsize=64)
def _letter(conjoining_name: str) -> str:
    """The keyboard's (compatibility) letter of a conjoining jamo's name."""
    for part in ("CHOSEONG ", "JONGSEONG "):
        conjoining_name = conjoining_name.replace(part, "LETTER ")
    return unicodedata.lookup(conjoining_name)


def initial_of(char: str) -> str:
    """`안` → `ㅇ`; any other character is itself."""
    if not is_syllable(char):
        return char
    return _letter(unicodedata.name(chr(0x1100 + (ord(char) - SYLLABLE_FIRST) // (21 * FINALS))))


def name_key(text: str) -> str:
    """The name as compared: NFC, case-folded, without white space."""
    return "".join(unicodedata.normalize("NFC", text or "").casefold().split())


def initials_of_key(key: str) -> str:
    """The initials of a key already compared as is (a name key, a tag key), position by position."""
    return "".join(initial_of(c) for c in key)


def initials_key(text: str) -> str:
    """`안양 시청` → `ㅇㅇㅅㅊ`; `Anyang 시청` → `anyangㅅㅊ`."""
    return initials_of_key(name_key(text))


def _final_index(char: str) -> int:
    return (ord(char) - SYLLABLE_FIRST) % FINALS


def _final_parts(char: str) -> list[str]:
    """The keyboard letters a syllable's final is made of (`닭` → [ㄹ, ㄱ]; `안` → [ㄴ])."""
    index = _final_index(char)
    if not index:
        return []
    name = unicodedata.name(chr(_FINAL_BASE + index)).removeprefix("HANGUL JONGSEONG ")
    return [unicodedata.lookup("HANGUL LETTER " + part) for part in name.split("-")]


@lru_cache(maxsize=32)
def _final_named(letter: str) -> int:
    """The final index of a keyboard letter (ㄴ → 4), or 0 when it cannot be a final (ㄸ)."""
    try:
        return ord(unicodedata.lookup(unicodedata.name(letter).replace("LETTER", "JONGSEONG"))) - _FINAL_BASE
    except KeyError:
        return 0


def _is_initial(letter: str) -> bool:
    try:
        unicodedata.lookup(unicodedata.name(letter).replace("LETTER", "CHOSEONG"))
    except (KeyError, ValueError):
        return False
    return True


def _is_consonant_letter(char: str) -> bool:
    return 0x3131 <= ord(char) <= 0x314E


def _split_letter(char: str) -> list[str]:
    """A lone compound consonant some keyboards make of two typed initials (ㄳ → ㄱ, ㅅ)."""
    if not _is_consonant_letter(char) or _is_initial(char):
        return [char]
    name = unicodedata.name(char).removeprefix("HANGUL LETTER ")
    return [unicodedata.lookup("HANGUL LETTER " + part) for part in name.split("-")]


@dataclass(frozen=True)
class Pattern:
    """Rows whose initials key starts with ``initials`` and whose name key has, at each
    position of ``allowed``, one of its characters."""

    initials: str
    allowed: tuple[tuple[int, tuple[str, ...]], ...]

    def matches(self, name: str, initials: str) -> bool:
        return initials.startswith(self.initials) and all(
            len(name) > at and name[at] in chars for at, chars in self.allowed)


def _grown(char: str) -> tuple[str, ...]:
    """What a syllable typed last may still become: 야 → 야…얗 (every final); 갈 → 갈, 갉, 갊 …
    (finals that start with its own)."""
    base = ord(char) - _final_index(char)
    parts = _final_parts(char)
    if not parts:
        return tuple(chr(base + i) for i in range(FINALS))
    return tuple(chr(base + i) for i in range(FINALS)
                 if i and _final_parts(chr(base + i))[:len(parts)] == parts)


def patterns(query: str) -> list[Pattern]:
    """The patterns a typed query stands for (empty when it has no Hangul to expand)."""
    typed: list[str] = []
    for char in name_key(query):
        typed.extend(_split_letter(char))
    if not typed or len(typed) > MAX_TYPED or not any(is_syllable(c) or _is_consonant_letter(c) for c in typed):
        return []
    fixed: list[tuple[int, tuple[str, ...]]] = []
    for at, char in enumerate(typed[:-1]):
        if not _is_consonant_letter(char):
            fixed.append((at, (char,)))
    last, at = typed[-1], len(typed) - 1
    head = "".join(initial_of(c) for c in typed[:-1])
    if _is_consonant_letter(last):
        return [Pattern(head + last, tuple(fixed))]
    if not is_syllable(last):
        return [Pattern(head + last, (*fixed, (at, (last,))))]
    found = [Pattern(head + initial_of(last), (*fixed, (at, _grown(last))))]
    parts = _final_parts(last)
    if parts and _is_initial(parts[-1]):
        # The final may be the next syllable's initial, not yet moved over (안 → 아냐).
        kept = _final_named(parts[0]) if len(parts) > 1 else 0
        before = chr(ord(last) - _final_index(last) + kept)
        found.append(Pattern(head + initial_of(last) + parts[-1], (*fixed, (at, (before,)))))
    return found


def range_end(prefix: str) -> str:
    """The first string after every string starting with ``prefix`` (its last character + 1)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
