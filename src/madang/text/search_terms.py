"""Search terms: what a post is indexed under, and what a query looks for (decision 0008).

Hangul (and other scripts written without spaces: Han, kana) is cut into overlapping
two-syllable terms, so `안양` is found inside `안양시청`, `안양에서` and `#안양천`, and
`축구부` inside `여자축구부`; a lone syllable is kept whole. Other letters form lower-cased
words, and digits words of their own (`iPhone15` is `iphone` and `15`), so `BTS콘서트`
and `BTS 콘서트` give the same terms; the two syllables across a space are a term too, so
`자전거도로` finds `자전거 도로`. A query is the same cut, AND-ed, after its Hangul
words lose a trailing particle (`안양에서` looks for `안양`). Pure functions: the index is
the same on SQLite and PostgreSQL because it is computed here, not by either database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import regex

# The version of what a post is indexed under: 1, bigrams and words (decision 0008); 2, also
# its lemma terms (`text.lemmas`, decision 0061). Bump when the terms of a text change, here or
# in `lemmas.VERSION`: existing databases then need `madang search reindex`, which records the
# version it reached (search_index_state); a change of the bigram cut needs `--rebuild`.
VERSION = 2
MAX_TERM_LENGTH = 32  # longer words are cut (both sides alike), so the column stays small
MAX_QUERY_GROUPS = 24  # a pasted paragraph should not become a 200-way join

_CJK = r"\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}"
_RUN = regex.compile(
    rf"(?P<cjk>[{_CJK}]+)|(?P<digits>\p{{Nd}}+)|(?P<word>[[\p{{L}}\p{{M}}]--[{_CJK}]]+)",
    regex.V1,
)
_HANGUL_SYLLABLE = regex.compile(r"[\uAC00-\uD7A3]")
# Words every link carries; as terms they would only make the index bigger.
_SKIPPED_WORDS = frozenset({"http", "https", "www"})

# Particles (조사) stripped from the end of a query word. Longest first; stacked forms
# (에서는) are listed whole, because only one particle is stripped.
_LONG_PARTICLES = (
    "에서부터", "으로부터", "에서는", "에서도", "에게는", "에게도", "에게서", "으로는", "으로도", "까지는",
    "부터는", "이라도", "에서", "에게", "께서", "으로", "한테", "까지", "부터", "처럼", "보다", "에는", "에도",
    "이랑", "만큼", "마다", "조차", "밖에",
)
# Rarely the last syllable of a noun: stripped from words of three syllables or more.
_SAFE_PARTICLES = ("은", "는", "을", "를", "에")
# Also the last syllable of many nouns (고양이, 경기도, 세종로, 소아과, 전문가, 회의):
# stripped only from words of four syllables or more, where the stem keeps two terms.
_AMBIGUOUS_PARTICLES = ("이", "가", "도", "의", "로", "와", "과", "만")
# After a one-syllable query word (`비`, `불`), the forms it takes with a particle.
_ONE_SYLLABLE_FORMS = ("은", "는", "이", "가", "을", "를", "의", "도", "와", "과", "에", "로", "만")


def fold(text: str) -> str:
    """NFKC and case folding, so full-width `ＢＴＳ`, `BTS` and `bts` are one word."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def runs(text: str) -> Iterator[tuple[str, str]]:
    for match in _RUN.finditer(fold(text)):
        kind = match.lastgroup or "word"
        yield kind, match.group()


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def _word(run: str) -> str | None:
    if run in _SKIPPED_WORDS:
        return None
    return run[:MAX_TERM_LENGTH]


def document_terms(*texts: str | None) -> set[str]:
    """Every term a post (its text, its content warning) is indexed under.

    Where two Hangul words are parted by spaces only, the pair of syllables across the
    space is a term too: Korean spacing varies (`자전거 도로`, `자전거도로`), and so a query
    written without the space still finds the post written with it."""
    terms: set[str] = set()
    for text in texts:
        if not text:
            continue
        folded = fold(text)
        previous: regex.Match[str] | None = None
        for match in _RUN.finditer(folded):
            run = match.group()
            if match.lastgroup == "cjk":
                terms.update(_bigrams(run))
                if previous is not None and folded[previous.end():match.start()].isspace():
                    terms.add(previous.group()[-1] + run[0])
                previous = match
                continue
            previous = None
            if (word := _word(run)) is not None:
                terms.add(word)
    return terms


def strip_particle(word: str) -> str:
    """`안양에서` → `안양`, `여자축구부는` → `여자축구부`; `고양이`, `경기도`, `마을` stay.
    The stem keeps at least two syllables, so it still has a term of its own."""
    if not _HANGUL_SYLLABLE.fullmatch(word[-1:] or " "):
        return word
    for particle in _LONG_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    last = word[-1]
    if last in _SAFE_PARTICLES and len(word) >= 3:
        return word[:-1]
    if last in _AMBIGUOUS_PARTICLES and len(word) >= 4:
        return word[:-1]
    return word


def query_terms(query: str) -> list[tuple[str, ...]]:
    """The groups a post must match, every group, by any one term of it.

    Most groups hold one term; a one-syllable Hangul word is the syllable alone or with a
    particle (`비` matches `비`, `비가`, `비는` …), since with two-syllable terms that is
    how it is stored. An empty list means the query has nothing to look for."""
    groups: list[tuple[str, ...]] = []
    for kind, run in runs(query):
        if kind == "cjk":
            stem = strip_particle(run)
            if len(stem) == 1 and _HANGUL_SYLLABLE.fullmatch(stem):
                groups.append((stem, *(stem + p for p in _ONE_SYLLABLE_FORMS)))
            else:
                groups.extend((term,) for term in _bigrams(stem))
        elif (word := _word(run)) is not None:
            groups.append((word,))
    unique = list(dict.fromkeys(groups))
    return unique[:MAX_QUERY_GROUPS]
