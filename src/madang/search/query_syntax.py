"""Mastodon's search syntax, parsed (pure): operators, negation and "quoted phrases".

A query is clauses parted by white space. A clause may start with ``-`` (exclude what it
says) and is ``prefix:value``, a ``"quoted phrase"`` (also written with the curly quotes
phones type, “ ”), or a word. Known prefixes (``from``, ``has``, ``is``, ``language``,
``before``, ``after``, ``during``) filter; any other ``word:word`` is text, as Mastodon
treats it. A known prefix with a value it cannot take (``has:nothing``,
``before:yesterday``) is an error (Mastodon answers 422), raised as ``Invalid``.
An unclosed quote runs to the end of the query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import regex

from madang.core.errors import Invalid

PREFIXES = ("from", "has", "is", "language", "before", "after", "during")
HAS_VALUES = ("media", "poll", "link", "image", "video", "audio", "gifv")
IS_VALUES = ("reply", "sensitive")
_QUOTES = {'"': '"', "“": "”"}  # opening → closing
_SPACE = regex.compile(r"[\s\p{Z}]+", regex.V1)
_PREFIX = regex.compile(r"(?P<prefix>[A-Za-z_]+):(?P<value>.+)", regex.V1 | regex.S)
_LANGUAGE = regex.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
_DATE = regex.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Operator:
    name: str  # one of PREFIXES
    value: str  # normalised: lower case; a date as YYYY-MM-DD; from: without a leading @
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()  # text that must be in a post (each word's terms)
    phrases: tuple[str, ...] = ()  # must appear as written: words adjacent, in order
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    operators: tuple[Operator, ...] = field(default=())

    @property
    def text(self) -> str:
        """What the term index is asked for: the words and the phrases' words."""
        return " ".join((*self.words, *self.phrases))

    def only(self, name: str, *, negated: bool = False) -> list[str]:
        return [o.value for o in self.operators if o.name == name and o.negated == negated]


def _clauses(query: str) -> list[tuple[bool, str, bool]]:
    """(negated, body, quoted) for each clause, in order."""
    out: list[tuple[bool, str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        space = _SPACE.match(query, i)
        if space:
            i = space.end()
            continue
        negated = query[i] == "-" and i + 1 < n and not query[i + 1].isspace()
        start = i + 1 if negated else i
        if query[start] in _QUOTES:
            close = query.find(_QUOTES[query[start]], start + 1)
            end = n if close < 0 else close
            out.append((negated, query[start + 1:end], True))
            i = end + 1
            continue
        space = _SPACE.search(query, start)
        end = space.start() if space else n
        out.append((negated, query[start:end], False))
        i = end
    return out


def _operator(prefix: str, value: str, negated: bool) -> Operator:
    name = prefix.lower()
    if name in ("has", "is"):
        allowed = HAS_VALUES if name == "has" else IS_VALUES
        value = value.lower()
        if value not in allowed:
            raise Invalid(f"Unknown property: {value} ({name}: takes {', '.join(allowed)})", field="q")
    elif name == "language":
        if not _LANGUAGE.fullmatch(value):
            raise Invalid(f"Invalid language: {value}", field="q")
        value = value.lower().replace("_", "-")
    elif name in ("before", "after", "during"):
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            value = date.fromisoformat(value).isoformat()
        except ValueError:
            raise Invalid(f"Invalid date {value!r} for {name}: (YYYY-MM-DD)", field="q") from None
    elif name == "from":
        value = value.removeprefix("@").lower()
        if not value or value.startswith("@") or value.count("@") > 1:
            raise Invalid(f"Invalid account for from: {value!r}", field="q")
    return Operator(name, value, negated)


def parse_query(query: str) -> ParsedQuery:
    words: list[str] = []
    phrases: list[str] = []
    excluded_words: list[str] = []
    excluded_phrases: list[str] = []
    operators: list[Operator] = []
    for negated, body, quoted in _clauses(query):
        if quoted:
            body = _SPACE.sub(" ", body).strip()
            if body:
                (excluded_phrases if negated else phrases).append(body)
            continue
        match = _PREFIX.fullmatch(body)
        if match and match["prefix"].lower() in PREFIXES:
            operators.append(_operator(match["prefix"], match["value"], negated))
            continue
        (excluded_words if negated else words).append(body)
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded_words), tuple(excluded_phrases),
                       tuple(operators))
