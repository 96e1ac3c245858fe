"""Finding and masking personal data in Korean text: resident numbers, phones, e-mail, car plates.

Masks (decision 0015): the characters that identify become `*`, everything else stays as typed,
so the masked text is as long as the original, code point for code point:

- ``rrn``: every digit, separators kept: ``900101-1234567`` -> ``******-*******``.
- ``phone``: the middle group: ``010-1234-5678`` -> ``010-****-5678``, ``+82 10 1234 5678`` ->
  ``+82 10 **** 5678``, ``02-123-4567`` -> ``02-***-4567``; a representative number's last
  group: ``1588-1234`` -> ``1588-****``.
- ``email``: the local part but its first and last character: ``kimcitizen@naver.com`` ->
  ``k********n@naver.com``; a local part of one or two characters cannot be hidden that
  way, so the domain's labels but the last are starred instead: ``ab@naver.com`` -> ``ab@*****.com``.
- ``car_plate``: the four serial digits: ``12가3456`` -> ``12가****``, ``서울12가3456`` -> ``서울12가****``.

Matching runs on a folded copy of the text (full-width and other decimal digits as ASCII, dash
variants as ``-``, odd spaces as a space), one code point for one, so offsets index the text
as given and the mask is written into the original.  A number inside a URL, a mention or a
hashtag (as ``text.extraction`` finds them) is not personal data: it is an address or a name.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass, field

from madang.text.extraction import extract

KINDS = ("rrn", "phone", "email", "car_plate")
MASK = "*"


@dataclass(frozen=True)
class PersonalData:
    """One finding; ``start``/``end`` are code-point offsets into the text that was searched."""

    kind: str
    start: int
    end: int
    # Left out of repr so that a finding written to a log does not carry what it found.
    text: str = field(repr=False)


# --- folding ---------------------------------------------------------------------------

_DASHES = "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
# Zero-width characters are folded to a space, so `010\u200b1234\u200b5678` is still a number.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u2060\u3000\ufeff"
# ASCII digits are left out: they need no folding and are most of what the pattern meets.
_FOLDABLE = re.compile(rf"(?![0-9])\d|[\uff01-\uff5e{_DASHES}{_SPACES}]")
_FOLDED: dict[str, str] = {}


def _fold_char(match: re.Match[str]) -> str:
    char = match.group()
    folded = _FOLDED.get(char)
    if folded is None:
        if char in _DASHES:
            folded = "-"
        elif char in _SPACES:
            folded = " "
        elif "\uff01" <= char <= "\uff5e":
            folded = chr(ord(char) - 0xFEE0)  # full-width ASCII: ０ -> 0, ＠ -> @, ． -> .
        else:
            folded = str(unicodedata.decimal(char))  # ٣, ३, 𝟑 ... -> 3
        _FOLDED[char] = folded  # bounded: only the characters the class above admits
    return folded


def _fold(text: str) -> str:
    return _FOLDABLE.sub(_fold_char, text)


# --- patterns (on folded text) ----------------------------------------------------------

# Not glued to a longer number on the left: `2026-010...`, `1.010...` are parts of something else.
_LEFT = r"(?<![0-9])(?<![0-9][-.])"
# Nor on the right.
_RIGHT = r"(?![0-9])(?![-.][0-9])"
# A phone number's groups are written with a hyphen, a dot, a space, or nothing.
_SEP = r"(?: ?[-.] ?| )?"

_AREA = r"01[016789]|02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])|070|050[2-8]|080"
_AREA_82 = r"1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70"

_PHONE = re.compile(
    rf"{_LEFT}(?<!\+)"
    rf"(?:\(?(?:{_AREA})\) ?|(?:{_AREA}){_SEP}|\+82{_SEP}(?:\(0\) ?)?0?(?:{_AREA_82}){_SEP})"
    rf"(?P<hide>[0-9]{{3,4}}){_SEP}[0-9]{{4}}{_RIGHT}"
)

# 15xx/16xx/18xx-xxxx: only with a hyphen, since eight bare digits are as often an amount
# (`15000000원`); not before a unit, which makes it a range (`1500-2000명`, `1592-1598년`).
_UNITS = r"년|명|원|개|건|대|회|세|시|분|초|호|평|석|주|일|월|%|~"
_REPRESENTATIVE = re.compile(
    rf"{_LEFT}(?<!\+)(?P<first>1[568][0-9]{{2}})-(?P<hide>[0-9]{{4}}){_RIGHT}(?! ?(?:{_UNITS}))"
)

# YYMMDD (a plausible date), then the 7th digit: 1-4 citizens, 5-8 registered foreigners.
_RRN = re.compile(
    rf"{_LEFT}(?P<birth>[0-9]{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
    # Only digits end it on the right: a number glued behind by a hyphen (`…-1234567-010-…`)
    # must not keep the resident number from being masked.
    rf"(?: ?- ?| )?(?P<rest>[1-8][0-9]{{6}})(?![0-9])"
)

_LOCAL_CHAR = r"[A-Za-z0-9._%+\-]"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z\-])"
# A local part already masked (`k***n`) is matched whole so that no tail of it (`n@…`) is
# taken for a fresh address, and then skipped.
_EMAIL = re.compile(
    rf"(?<!{_LOCAL_CHAR})(?<![@\uff20])"
    rf"(?:(?P<masked>{_LOCAL_CHAR}\*+{_LOCAL_CHAR})|(?P<local>{_LOCAL_CHAR}+))"
    rf"@(?P<domain>{_DOMAIN})"
)

_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호육해공국합"
_REGIONS = "서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
# 12가3456, 123가4567 (since 2019), 서울12가3456 (before 2006); spaces anywhere between the parts.
_CAR_PLATE = re.compile(
    rf"{_LEFT}(?:(?:{_REGIONS}) ?[0-9]{{1,2}}|[0-9]{{2,3}}) ?[{_PLATE_LETTERS}] ?"
    rf"(?P<hide>[0-9]{{4}}){_RIGHT}(?! ?(?:{_UNITS}|번지))"
)

# Nothing to find without a digit or an `@` (of any width): the common case costs one search.
_CANDIDATE = re.compile(r"[\d@\uff20]")
_TOKEN_MARK = re.compile(r"[@#\uff03]|://")
# Glued behind `@name` that did not parse as a mention (`@user010-1234-5678@`), a number is the
# tail of a handle; starring it could cut the handle short into a valid mention (`@user010`).
# Only an `@` that could open a mention counts: `kim@naver.com010-1234-5678` holds a phone.
_HANDLE_BEFORE = re.compile(r"(?<![A-Za-z0-9_.\-@\uff20/=+&])[@\uff20][A-Za-z0-9_.\-]*\Z")


@dataclass(frozen=True)
class _Found:
    finding: PersonalData
    hide: tuple[int, ...]  # offsets of the characters the mask replaces


def _digits(text: str, start: int, end: int) -> tuple[int, ...]:
    return tuple(i for i in range(start, end) if "0" <= text[i] <= "9")


def _scan(text: str, folded: str) -> list[_Found]:
    found: list[_Found] = []

    def add(kind: str, match: re.Match[str], hide: tuple[int, ...]) -> None:
        s, e = match.span()
        found.append(_Found(PersonalData(kind, s, e, text[s:e]), hide))

    for match in _RRN.finditer(folded):
        add("rrn", match, _digits(folded, match.start(), match.end()))
    for match in _PHONE.finditer(folded):
        add("phone", match, _digits(folded, *match.span("hide")))
    for match in _REPRESENTATIVE.finditer(folded):
        first, last = match.group("first"), match.group("hide")
        if first.endswith("00") and last.endswith("00"):
            continue  # `1500-2000`, `1800-1900`: a range of round numbers
        add("phone", match, _digits(folded, *match.span("hide")))
    for match in _EMAIL.finditer(folded):
        if match.group("masked"):
            continue
        ls, le = match.span("local")
        if le - ls >= 3:
            hide = tuple(range(ls + 1, le - 1))
        else:
            ds, de = match.span("domain")
            tld = folded.rindex(".", ds, de)
            hide = tuple(i for i in range(ds, tld) if folded[i] != ".")
        add("email", match, hide)
    for match in _CAR_PLATE.finditer(folded):
        add("car_plate", match, _digits(folded, *match.span("hide")))
    return found


def _inside_tokens(text: str, found: list[_Found]) -> list[_Found]:
    # Every token needs one of these; without them the URL check (an HTML parse) is skipped.
    if not _TOKEN_MARK.search(text):
        return found
    parsed = extract(text)
    spans = sorted((t.start, t.end) for t in (*parsed.urls, *parsed.mentions, *parsed.hashtags))
    if not spans:
        return found
    starts = [s for s, _ in spans]

    def overlaps(start: int, end: int) -> bool:
        # Tokens do not overlap one another, so only the last one starting before `end` can.
        i = bisect_right(starts, end - 1) - 1
        return i >= 0 and spans[i][1] > start

    return [f for f in found if not overlaps(f.finding.start, f.finding.end)]


def _canonical(kind: str, value: str) -> str:
    value = _fold(value)
    if kind == "email":
        return value.lower()
    digits = "".join(c for c in value if c.isascii() and c.isalnum() or "가" <= c <= "힣")
    if kind == "phone" and value.lstrip().startswith("+82"):
        digits = "0" + digits.removeprefix("82").removeprefix("0")
    return digits


def _find(text: str, keep: Collection[str]) -> list[_Found]:
    if not _CANDIDATE.search(text):
        return []
    found = _scan(text, _fold(text))
    if not found:
        return []
    # Where two patterns claim the same characters the earlier, then the longer, wins
    # (`01012345678@naver.com` is an address, not a phone).
    found.sort(key=lambda f: (f.finding.start, -f.finding.end))
    chosen: list[_Found] = []
    for f in found:
        if not chosen or f.finding.start >= chosen[-1].finding.end:
            chosen.append(f)
    chosen = [f for f in chosen if not _HANDLE_BEFORE.search(text, max(0, f.finding.start - 64), f.finding.start)]
    chosen = _inside_tokens(text, chosen)
    if keep:
        kept = {_canonical(kind, value) for kind in KINDS for value in keep}
        chosen = [f for f in chosen if _canonical(f.finding.kind, f.finding.text) not in kept]
    return chosen


def find_personal_data(text: str, *, keep: Collection[str] = ()) -> list[PersonalData]:
    """The personal data in ``text``, in order, with code-point offsets into ``text`` as given.

    ``keep`` lists values that are public and must stay (the organisation's own phone number
    or address); they are compared with the separators, widths and `+82` folded away.
    """
    return [f.finding for f in _find(text, keep)]


def has_personal_data(text: str, *, keep: Collection[str] = ()) -> bool:
    """Whether ``text`` holds anything ``mask_personal_data`` would mask."""
    return bool(_find(text, keep))


def mask_personal_data(text: str, *, keep: Collection[str] = ()) -> str:
    """``text`` with each finding's identifying characters replaced by ``*`` (see the module doc).

    The result has the same length in code points and the same mentions, hashtags and URLs;
    masking it again changes nothing.  Works on plain text: render to HTML afterwards.
    """
    # Masking can uncover a number that a neighbour had hidden (a phone glued to a resident
    # number by a hyphen is not a phone until the digits before it are stars), so repeat
    # until nothing is found; every round stars at least one character, so this ends.
    while found := _find(text, keep):
        chars = list(text)
        for f in found:
            hide = f.hide
            end = f.finding.end
            # A star where a digit was no longer blocks a mention, hashtag or URL glued
            # behind it (`1234567@user`); keep that one digit rather than create a link.
            if hide and hide[-1] == end - 1 and _opens_token(text, end):
                hide = hide[:-1]
            for i in hide:
                chars[i] = MASK
        masked = "".join(chars)
        if masked == text:
            break
        text = masked
    return text


def _opens_token(text: str, at: int) -> bool:
    return text[at : at + 1] in ("@", "\uff20", "#", "\uff03") or text[at : at + 4].lower() == "http"
