"""Hashtags: finding them, validating a name, and the key a tag is stored under."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import regex

from madang.text.scripts import WORD

_NAME = (
    r"[\p{L}\p{M}\p{Nd}_]++"
    # `·`, `・` and ZWNJ join words (`#서울·경기`) but do not end a tag.
    r"(?:[\u00B7\u30FB\u200C]++[\p{L}\p{M}\p{Nd}_]++)*+"
)
_NAME_RE = regex.compile(_NAME, regex.V1)
_LETTER = regex.compile(r"\p{L}", regex.V1)

# A `#` glued to a preceding word is part of that word (`abc#tag`, `C#`), and this
# includes Hangul: `안녕#안양` is not a tag, as in Mastodon, whose tag pattern wants
# the start of the text or whitespace before the `#`.  madang is a little more lenient
# than Mastodon with punctuation: `(#안양)` and `"#안양"` are tags.  `/`, `)`, `=`
# and `&` keep URL fragments, `&#x27;` entities and `a=#x` out.
_HASHTAG = regex.compile(
    rf"(?<!{WORD}|[/)=&#＃])[#＃](?P<name>{_NAME})",
    regex.V1,
)


def normalize_tag(name: str) -> str:
    """The stored key: NFKC (full-width and compatibility forms), then case-folded."""
    # NFKC again after folding, because folding can produce a decomposed sequence.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def is_valid_tag(name: str) -> bool:
    """Whether ``name`` (without the `#`) is a whole hashtag name."""
    name = unicodedata.normalize("NFC", name)
    return _NAME_RE.fullmatch(name) is not None and _LETTER.search(name) is not None


def find_hashtags(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, name) of each hashtag in ``text``, already normalised."""
    for match in _HASHTAG.finditer(text):
        name = match.group("name")
        # `#2010` is a year, not a tag; `#1위` is a tag.
        if _LETTER.search(name):
            yield match.start(), match.end(), name
