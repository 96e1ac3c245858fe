"""Lemmas: the dictionary forms of the words of a text (decision 0061).

`열렸습니다` → 열리다, `고쳐 주세요` → 고치다, `아름다워요` → 아름답다, `수리했어요` → 수리 and
수리하다; nouns as they are, a compound both whole and split (`여자축구부` → 여자축구부, 여자,
축구, 부); Latin words without the particle glued to them (`KTX를` → ktx). Folded like
`search_terms.fold`, so the index, the queries and the desk's suggestions compare alike.

The analyser is MeCab with the mecab-ko dictionary (packages `python-mecab-ko` and
`python-mecab-ko-dic`, chosen by measurement in decision 0061). Its dictionary is opened at
first use, once per process, under a lock; importing this module costs nothing, so idle
`madang serve` does not pay for it (tests/test_startup_imports.py). `warm()` loads it ahead of
time (workers, the reindex command). Each parse has a lattice of its own, so threads share
the one tagger safely.
"""

from __future__ import annotations

import threading
from functools import lru_cache
import unicodedata
from typing import Any

from madang.text.search_terms import MAX_QUERY_GROUPS, MAX_TERM_LENGTH, document_terms, fold

# Bump when the lemmas of a text change (analyser, dictionary or rules): the index then needs
# `madang search reindex` (docs/ops/search-reindex.md).
VERSION = 1

_NOUNS = frozenset({"NNG", "NNP", "XR", "SH"})  # common, proper nouns, roots, Hanja
_PREDICATES = frozenset({"VV", "VA"})  # verbs, adjectives → stem + 다
_DERIVING = frozenset({"XSV", "XSA"})  # 하/되/시키 after a noun: 수리+하 → 수리하다
_LATIN = frozenset({"SL", "SN"})  # Latin words, numbers
MAX_TEXT_LENGTH = 20_000  # characters analysed of one text; a longer remote post is cut

_lock = threading.Lock()
_analyser: Any = None

Morpheme = tuple[str, str, str, bool]  # surface, tag, expression ("*" if none), glued to the one before


def _load() -> Any:
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                import mecab  # python-mecab-ko; its dictionary (python-mecab-ko-dic, ~100 MB) is mmap'd

                _analyser = mecab.MeCab()
    return _analyser


def warm() -> None:
    """Open the analyser now rather than at the first post or search."""
    _load()


def _morphemes(text: str) -> list[Morpheme]:
    # A lattice per parse (as python-mecab-ko's own parse makes), so threads may parse at once;
    # the feature CSV is read here: the binding's Morpheme objects cost more than the parse.
    from mecab.utils import create_lattice

    analyser = _load()
    lattice = create_lattice(text)
    if not analyser._tagger.parse(lattice):
        return []
    out: list[Morpheme] = []
    end = -1
    for (start, stop), node in lattice:
        feature = node.feature.split(",")
        expression = feature[7] if len(feature) > 7 else "*"
        out.append((node.surface, feature[0], expression, start == end))
        end = stop
    return out


def _parts(expression: str) -> list[tuple[str, str]]:
    """`고치/VV/*+어/EC/*` → [(고치, VV), (어, EC)]."""
    parts = []
    for piece in expression.split("+"):
        bits = piece.split("/")
        if len(bits) >= 2 and bits[0]:
            parts.append((bits[0], bits[1]))
    return parts


@lru_cache(maxsize=65536)  # a city's words repeat: folding each again cost more than the parse
def _fit(term: str) -> str:
    return fold(term)[:MAX_TERM_LENGTH]


def lemmas(text: str) -> list[str]:
    """The lemmas of `text` in order (repeats kept: a word said twice counts twice)."""
    if not text or not text.strip():
        return []
    return from_morphemes(_morphemes(unicodedata.normalize("NFKC", text)[:MAX_TEXT_LENGTH]))


def from_morphemes(morphemes: list[Morpheme]) -> list[str]:
    """The rules from morphemes to lemmas (also used by bench/lemma_analysers.py, which feeds
    other analysers' morphemes through them to compare like with like)."""
    out: list[str] = []
    run: list[str] = []  # Hangul nouns glued together: a compound, emitted whole at its end

    def close_run() -> None:
        if len(run) > 1:
            out.append(_fit("".join(run)))
        run.clear()

    previous_noun: str | None = None  # a noun right before a 하/되 suffix
    for surface, tag, expression, glued in morphemes:
        if not glued:
            close_run()
            previous_noun = None
        head = tag.split("+")[0]
        if tag in _NOUNS or (head in _NOUNS and expression == "*"):
            parts = [p for p, t in _parts(expression) if t in _NOUNS] if expression != "*" else []
            out.append(_fit(surface))
            # A dictionary compound (가로등 = 가로+등): its parts of two syllables or more.
            out.extend(_fit(p) for p in parts if len(p) >= 2 and p != surface)
            run.append(surface)
            previous_noun = surface
            continue
        close_run()
        if head in _LATIN:
            out.append(_fit(surface))
            previous_noun = None
            continue
        parts = _parts(expression) if expression != "*" else [(surface, head)]
        for stem, part_tag in parts:
            if part_tag in _PREDICATES:
                out.append(_fit(stem + "다"))
            elif part_tag in _DERIVING and previous_noun is not None:
                out.append(_fit(previous_noun + stem + "다"))
            elif part_tag in _NOUNS:
                out.append(_fit(stem))
            break  # the first morpheme is the content; the rest are endings
        previous_noun = None
    close_run()
    return [term for term in out if term]


# In the search index a lemma is a term of its own, marked so it never meets a bigram or a
# Latin word (those never hold `=`): `=열리다`. The mark and the lemma fit the term column (32).
LEMMA_MARK = "="
_LEMMA_ROOM = MAX_TERM_LENGTH - len(LEMMA_MARK)


def lemma_term(lemma: str) -> str:
    return LEMMA_MARK + lemma[:_LEMMA_ROOM]


def lemma_terms(*texts: str | None) -> set[str]:
    """The index's lemma terms of a post (its text, its content warning)."""
    return {lemma_term(lemma) for text in texts if text for lemma in lemmas(text)}


def index_terms(*texts: str | None) -> set[str]:
    """Everything a post is indexed under: today's bigrams and words (`search_terms`), and
    its lemmas. What `prepare_text`, remote posts and `madang search reindex` store."""
    return document_terms(*texts) | lemma_terms(*texts)


def query_lemma_groups(query: str, *, most: int = MAX_QUERY_GROUPS) -> list[tuple[str, ...]]:
    """The lemma terms a post must all hold to meet the query by meaning (each a group of
    one, the shape `search_terms.query_terms` gives). Empty when the query has no lemma."""
    return [(lemma_term(lemma),) for lemma in dict.fromkeys(lemmas(query))][:most]


def name_forms(query: str) -> list[str]:
    """What a name or a tag may be when the query glues a particle to it (`안양시청에서` →
    안양시청, `KTX를` → ktx, `김민수님` → 김민수): the query's noun and Latin lemmas that begin it
    and leave behind no word of their own (`안양시청` is not 안양 + 시청 here), longest first."""
    whole = fold(query).strip()
    forms = []
    for lemma in sorted(dict.fromkeys(lemmas(query)), key=len, reverse=True):
        if lemma != whole and whole.startswith(lemma) and not lemmas(whole[len(lemma):]):
            forms.append(lemma)
    return forms
