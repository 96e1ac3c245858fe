"""Does a filter keyword match a post's plain text? Korean-aware whole-word matching.

Mastodon puts ``\\b`` around a whole-word keyword wherever the keyword begins or ends with a
word character. That is right for Latin scripts (``park`` must not hide ``parking``) and wrong
for Korean, where particles attach to the word (``안양`` must hide ``안양에서``, ``안양시청``).
So a keyword end gets a boundary only when its last character is a word character of a script
that separates words with spaces; an end in Hangul (or Han, kana) matches as a substring.
A Latin word with a Korean particle (``iPhone에서``) still ends at the Hangul, so ``iphone``
matches there.

Both sides are NFKC-normalised and case-folded first: full-width ``ＰＡＲＫ`` is ``park``,
and composed or decomposed Hangul compare equal.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from madang.text.scripts import WORD_NOT_CJK

_SPACE_RUN = regex.compile(r"\s+")
_WORD_NOT_CJK = regex.compile(WORD_NOT_CJK, regex.V1)


def fold(text: str) -> str:
    """The form both keyword and text are compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def compile_keyword(keyword: str, whole_word: bool) -> regex.Pattern[str] | None:
    """The pattern for one keyword, or None for a keyword that is empty once folded."""
    folded = fold(keyword).strip()
    if not folded:
        return None
    # A space in a keyword matches any run of white space (a line break in the post).
    body = r"\s+".join(regex.escape(part) for part in _SPACE_RUN.split(folded))
    if whole_word:
        if _WORD_NOT_CJK.match(folded[0]):
            body = rf"(?<!{WORD_NOT_CJK}){body}"
        if _WORD_NOT_CJK.match(folded[-1]):
            body = rf"{body}(?!{WORD_NOT_CJK})"
    return regex.compile(body, regex.V1)


def keyword_matches(keyword: str, whole_word: bool, folded_text: str) -> bool:
    """``folded_text`` must already be ``fold(text)``: a page folds each post once."""
    pattern = compile_keyword(keyword, whole_word)
    return pattern is not None and pattern.search(folded_text) is not None


def matches(keyword: str, whole_word: bool, text: str) -> bool:
    """Convenience for one-off checks: folds ``text`` itself."""
    return keyword_matches(keyword, whole_word, fold(text))
