"""Checking a "quoted phrase" against a post's stored text (pure).

The term index finds posts holding every term of the phrase; this says whether its words
stand in that order, next to each other. Both sides are cut as the index cuts them
(`text.search_terms`): folded runs of Hangul, of letters, of digits, so case, width,
punctuation and spacing between runs do not matter. The phrase's first run may end a
longer run of the post and its last run may begin one, when they are Hangul: Korean glues
particles and compounds on (`"중앙공원 산책"` is in `안양 중앙공원 산책하기`); runs between
them must be whole. A Latin run always matches a whole word.
"""

from __future__ import annotations

# The index's own cut, so a phrase is read exactly as its terms were made.
from madang.text.search_terms import runs


def _fits(part: tuple[str, str], word: tuple[str, str], *, first: bool, last: bool) -> bool:
    kind, text = part
    if kind != word[0]:
        return False
    if kind != "cjk" or (not first and not last):
        return text == word[1]
    if first and last:
        return text in word[1]
    return word[1].endswith(text) if first else word[1].startswith(text)


def contains_phrase(phrase: str, *texts: str | None) -> bool:
    parts = list(runs(phrase))
    if not parts:
        return False
    for text in texts:
        if not text:
            continue
        words = list(runs(text))
        last = len(parts) - 1
        for at in range(len(words) - last):
            if all(_fits(part, words[at + k], first=k == 0, last=k == last) for k, part in enumerate(parts)):
                return True
    return False
