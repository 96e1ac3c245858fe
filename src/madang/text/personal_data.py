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

# Each pattern is a lookbehind (what may not stand before it) and a body.  The lookbehinds only
# refuse digits and address characters, and masking turns digits into `*`: a number glued to
# one that is masked is free once the mask is written.  The scan below goes left to right once
# and checks the lookbehind against the text masked so far (see `_scan`).

# Not glued to a longer number on the left: `2026-010...`, `1.010...` are parts of something else.
_LEFT = r"(?<![0-9])(?<![0-9][-.])"
# Nor on the right.
_RIGHT = r"(?![0-9])(?![-.][0-9])"
# How far back a lookbehind looks (`[0-9][-.]`), how far ahead a lookahead (` 번지`), and how
# long a number may be (`+82 (0) 10 - 1234 - 5678`).
_BEHIND = 2
_AHEAD = 4
_REACH = 32
# A phone number's groups are written with a hyphen, a dot, a space, or nothing.
_SEP = r"(?: ?[-.] ?| )?"

_AREA = r"01[016789]|02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])|070|050[2-8]|080"
_AREA_82 = r"1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70"

_PHONE = (
    rf"{_LEFT}(?<!\+)",
    rf"(?:\(?(?:{_AREA})\) ?|(?:{_AREA}){_SEP}|\+82{_SEP}(?:\(0\) ?)?0?(?:{_AREA_82}){_SEP})"
    rf"(?P<hide>[0-9]{{3,4}}){_SEP}[0-9]{{4}}{_RIGHT}",
)

# 15xx/16xx/18xx-xxxx: only with a hyphen, since eight bare digits are as often an amount
# (`15000000원`); not before a unit, which makes it a range (`1500-2000명`, `1592-1598년`).
_UNITS = r"년|명|원|개|건|대|회|세|시|분|초|호|평|석|주|일|월|%|~"
_REPRESENTATIVE = (
    rf"{_LEFT}(?<!\+)",
    rf"(?P<first>1[568][0-9]{{2}})-(?P<hide>[0-9]{{4}}){_RIGHT}(?! ?(?:{_UNITS}))",
)

# YYMMDD (a plausible date), then the 7th digit: 1-4 citizens, 5-8 registered foreigners.
_RRN = (
    _LEFT,
    r"(?P<birth>[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
    # Only digits end it on the right: a number glued behind by a hyphen (`…-1234567-010-…`)
    # must not keep the resident number from being masked.
    r"(?: ?- ?| )?(?P<rest>[1-8][0-9]{6})(?![0-9])",
)

_LOCAL_CHAR = r"[A-Za-z0-9._%+\-]"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z\-])"
# A local part already masked (`k***n`) is matched whole so that no tail of it (`n@…`) is
# taken for a fresh address, and then skipped.
_LOCAL_RUN = re.compile(rf"{_LOCAL_CHAR}*")
_EMAIL = (
    rf"(?<!{_LOCAL_CHAR})(?<![@\uff20])",
    rf"(?:(?P<masked>{_LOCAL_CHAR}\*+{_LOCAL_CHAR})|(?P<local>{_LOCAL_CHAR}+))@(?P<domain>{_DOMAIN})",
)

_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호육해공국합"
_REGIONS = "서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
# 12가3456, 123가4567 (since 2019), 서울12가3456 (before 2006); spaces anywhere between the parts.
_CAR_PLATE = (
    _LEFT,
    rf"(?:(?:{_REGIONS}) ?[0-9]{{1,2}}|[0-9]{{2,3}}) ?[{_PLATE_LETTERS}] ?"
    rf"(?P<hide>[0-9]{{4}}){_RIGHT}(?! ?(?:{_UNITS}|번지))",
)


@dataclass(frozen=True)
class _Pattern:
    kind: str
    whole: re.Pattern[str]  # lookbehind and body: the search, on the folded text
    body: re.Pattern[str]  # the body alone, tried where the lookbehind must see masks
    behind: re.Pattern[str]  # the lookbehind alone


def _pattern(kind: str, parts: tuple[str, str]) -> _Pattern:
    behind, body = parts
    return _Pattern(kind, re.compile(behind + body), re.compile(body), re.compile(behind))


# In this order: where two patterns claim the very same characters, the first wins.
_PATTERNS = (_pattern("rrn", _RRN), _pattern("phone", _PHONE), _pattern("phone", _REPRESENTATIVE),
             _pattern("email", _EMAIL), _pattern("car_plate", _CAR_PLATE))

# Nothing to find without a digit or an `@` (of any width): the common case costs one search.
_CANDIDATE = re.compile(r"[\d@\uff20]")
_TOKEN_MARK = re.compile(r"[@#\uff03]|://")
# Glued behind `@name` that did not parse as a mention (`@user010-1234-5678@`), a number is the
# tail of a handle; starring it could cut the handle short into a valid mention (`@user010`).
# Only an `@` that could open a mention counts: `kim@naver.com010-1234-5678` holds a phone.
_HANDLE_BEFORE = re.compile(r"(?<![A-Za-z0-9_.\-@\uff20/=+&])[@\uff20][A-Za-z0-9_.\-]*\Z")
_HANDLE_REACH = 64


@dataclass(frozen=True)
class _Found:
    finding: PersonalData
    hide: tuple[int, ...]  # offsets of the characters the mask replaces


def _digits(text: str, start: int, end: int) -> tuple[int, ...]:
    return tuple(i for i in range(start, end) if "0" <= text[i] <= "9")


def _counts(pattern: _Pattern, match: re.Match[str]) -> bool:
    """Whether a match is a finding at all (else it is passed over as if it were not there)."""
    if pattern.whole is _PATTERNS[2].whole:
        # `1500-2000`, `1800-1900`: a range of round numbers
        return not (match.group("first").endswith("00") and match.group("hide").endswith("00"))
    if pattern.kind == "email":
        return not match.group("masked")
    return True


def _hide(kind: str, folded: str, match: re.Match[str], offset: int = 0) -> tuple[int, ...]:
    """The offsets (into ``folded``; the match was made at ``offset`` into it) the mask stars."""
    if kind == "rrn":
        return _digits(folded, offset + match.start(), offset + match.end())
    if kind == "email":
        ls, le = (offset + i for i in match.span("local"))
        if le - ls >= 3:
            return tuple(range(ls + 1, le - 1))
        ds, de = (offset + i for i in match.span("domain"))
        tld = folded.rindex(".", ds, de)
        return tuple(i for i in range(ds, tld) if folded[i] != ".")
    hs, he = match.span("hide")
    return _digits(folded, offset + hs, offset + he)


def _token_spans(text: str) -> list[tuple[int, int]]:
    # Every token needs one of these; without them the URL check (an HTML parse) is skipped.
    if not _TOKEN_MARK.search(text):
        return []
    parsed = extract(text)
    return sorted((t.start, t.end) for t in (*parsed.urls, *parsed.mentions, *parsed.hashtags))


def _canonical(kind: str, value: str) -> str:
    value = _fold(value)
    if kind == "email":
        return value.lower()
    digits = "".join(c for c in value if c.isascii() and c.isalnum() or "가" <= c <= "힣")
    if kind == "phone" and value.lstrip().startswith("+82"):
        digits = "0" + digits.removeprefix("82").removeprefix("0")
    return digits


def _scan(text: str, keep: Collection[str]) -> tuple[list[_Found], str]:
    """The findings in ``text`` and the text masked, in one pass from left to right.

    Masking stars digits, and a star no longer glues a neighbour into a longer number: masked,
    `900101-1234567-010-1234-5678` shows a phone that was hidden before.  Masking is therefore
    the fixed point of "find, then mask", and it is reached here in one pass, in time linear in
    the length of the text, instead of one search of the whole text per number uncovered:

    - the next finding is the earliest match of any pattern at or after the cursor (the longer,
      then the first pattern, on a tie); a match that is not masked (inside a token, behind a
      handle, kept) still takes its characters;
    - lookbehinds are checked against the text as masked so far: right after a mask each body
      is tried where the search on the unmasked text refused it (`behind_masks`);
    - lookaheads may refuse a number because of digits that a later finding masks
      (`12가1588-1234`: the plate is glued to a number, until that number is masked): once a
      finding is masked, the few characters before it are searched again (`ahead_of_masks`);
    - a masked number's characters after its last star are free again (a phone's last group
      may begin an address glued to it), except that a masked address stays one address.

    Each character is searched from a bounded number of times per pattern.
    """
    if not _CANDIDATE.search(text):
        return [], text
    folded = _fold(text)
    spans = _token_spans(text)
    starts = [s for s, _ in spans]
    kept = {_canonical(kind, value) for kind in KINDS for value in keep} if keep else set()
    masked_folded = list(folded)  # what the lookarounds see
    masked = list(text)  # the result
    n = len(folded)
    email = next(i for i, p in enumerate(_PATTERNS) if p.kind == "email")

    def search(p: _Pattern, at: int) -> re.Match[str] | None:
        match = p.whole.search(folded, at)
        while match is not None and not _counts(p, match):
            match = p.whole.search(folded, match.end())
        return match

    run = [0, 0]  # the run of local-part characters last measured, [start, end)

    def opens_address(x: int) -> bool:
        # An address's body runs over every local-part character up to the `@`: measure each
        # run once, or a long run of digits would be walked again from each of its numbers.
        if not run[0] <= x < run[1]:
            run[:] = [x, _LOCAL_RUN.match(folded, x).end()]  # type: ignore[union-attr]
        return folded[run[1]:run[1] + 1] in ("@", MASK)

    def behind_masks(p: _Pattern, at: int) -> re.Match[str] | None:
        # Where the lookbehind sees a mask, the search on the folded text (which sees the digit
        # that was there) refused too early: try the body with the lookbehind on the mask.
        for x in range(at, min(at + _BEHIND, n)):
            before = "".join(masked_folded[max(0, x - _BEHIND):x])
            if before == folded[max(0, x - _BEHIND):x] or not p.behind.match(before, len(before)):
                continue
            if p.kind == "email" and not opens_address(x):
                continue
            match = p.body.match(folded, x)
            if match is not None and _counts(p, match):
                return match
        return None

    def ahead_of_masks(lo: int, limit: int) -> tuple[int, int, int, re.Match[str], int] | None:
        # A number ending at `limit` at the latest (the first star of the mask after it),
        # starting at `lo` or after, that the mask frees.
        w0 = max(0, max(lo, limit - _REACH) - _BEHIND)
        window = "".join(masked_folded[w0:min(n, limit + _AHEAD)])
        best = None
        for i, p in enumerate(_PATTERNS):
            if i == email:
                continue  # an address ends in letters: no mask is ever glued to its end
            match = p.whole.search(window, max(lo, limit - _REACH) - w0)
            while match is not None and not _counts(p, match):
                match = p.whole.search(window, match.end())
            if match is None or w0 + match.end() > limit:
                continue
            key = (w0 + match.start(), -(w0 + match.end()), i, match, w0)
            if best is None or key[:3] < best[:3]:
                best = key
        return best

    def overlaps_token(start: int, end: int) -> bool:
        # Tokens do not overlap one another, so only the last one starting before `end` can.
        i = bisect_right(starts, end - 1) - 1
        return i >= 0 and spans[i][1] > start

    def behind_handle(start: int) -> bool:
        # On the text as given: what the reader sees as a handle is what masking must not cut.
        return _HANDLE_BEFORE.search(text, max(0, start - _HANDLE_REACH), start) is not None

    found: list[_Found] = []

    def take(i: int, match: re.Match[str], offset: int) -> tuple[int, ...]:
        """Masks a finding unless it is to stay; the offsets starred."""
        kind = _PATTERNS[i].kind
        start, end = offset + match.start(), offset + match.end()
        value = text[start:end]
        if overlaps_token(start, end) or behind_handle(start) or (kept and _canonical(kind, value) in kept):
            return ()
        hide = _hide(kind, folded, match, offset)
        # A star where a digit was no longer blocks a mention, hashtag or URL glued behind it
        # (`1234567@user`); keep that one digit rather than create a link.
        if hide and hide[-1] == end - 1 and _opens_token(text, end):
            hide = hide[:-1]
        for j in hide:
            masked[j] = masked_folded[j] = MASK
        found.append(_Found(PersonalData(kind, start, end, value), hide))
        return hide

    ahead = [search(p, 0) for p in _PATTERNS]
    floor = [0] * len(_PATTERNS)  # where each pattern may start again
    at = 0
    while True:
        best: tuple[int, int, int, re.Match[str]] | None = None
        for i, p in enumerate(_PATTERNS):
            since = max(at, floor[i])
            if ahead[i] is not None and ahead[i].start() < since:
                ahead[i] = search(p, since)
            match = ahead[i]
            unmasked = behind_masks(p, since) if found else None
            if unmasked is not None and (match is None or unmasked.start() < match.start()):
                match = unmasked
            if match is not None and (best is None or (match.start(), -match.end(), i) < best[:3]):
                best = (match.start(), -match.end(), i, match)
        if best is None:
            break
        start, _, i, match = best
        before, at = at, match.end()
        hide = take(i, match, 0)
        if not hide:
            continue  # not masked, but its characters are taken
        if i == email and hide[-1] < match.start("domain"):
            # `k***n@…` stays one address: no `n@…` in it.  Its domain is free: nothing starts
            # there but after a mask (a number glued into the domain, then masked).
            floor[email] = match.start("domain")
        at = hide[-1] + 1
        # Masked, a finding no longer claims the characters before its first star.
        limit = hide[0]
        while (freed := ahead_of_masks(before, limit)) is not None:
            _, _, fi, fmatch, w0 = freed
            if not (freed_hide := take(fi, fmatch, w0)):
                break
            limit = freed_hide[0]
    found.sort(key=lambda f: f.finding.start)
    return found, "".join(masked) if found else text


def find_personal_data(text: str, *, keep: Collection[str] = ()) -> list[PersonalData]:
    """The personal data in ``text``, in order, with code-point offsets into ``text`` as given:
    what ``mask_personal_data`` masks.  Two spans overlap where masking the one uncovered the
    other (`12가1588-1234`); the characters masked never do.

    ``keep`` lists values that are public and must stay (the organisation's own phone number
    or address); they are compared with the separators, widths and `+82` folded away.
    """
    return [f.finding for f in _scan(text, keep)[0]]


def has_personal_data(text: str, *, keep: Collection[str] = ()) -> bool:
    """Whether ``text`` holds anything ``mask_personal_data`` would mask."""
    return bool(_scan(text, keep)[0])


def mask_personal_data(text: str, *, keep: Collection[str] = ()) -> str:
    """``text`` with each finding's identifying characters replaced by ``*`` (see the module doc).

    The result has the same length in code points and the same mentions, hashtags and URLs;
    masking it again changes nothing.  Works on plain text: render to HTML afterwards.  One
    pass, linear in the length of the text.
    """
    return _scan(text, keep)[1]


def _opens_token(text: str, at: int) -> bool:
    return text[at : at + 1] in ("@", "\uff20", "#", "\uff03") or text[at : at + 4].lower() == "http"
