"""What the suggestion index reads of a text: the lemmas (``text.lemmas``) of its masked form,
with the names of the case's citizen taken out first. Masking finds numbers and addresses, not
names (decision 0015), and an answer often greets the citizen by name: a suggestion is another
citizen's case, so their name must not travel with it."""

from __future__ import annotations

from collections.abc import Iterable

import regex

NAME_MARK = "○○○"
_MIN_NAME = 2


def scrub_names(text: str, names: Iterable[str | None]) -> str:
    """``text`` with each of ``names`` (a guest's name, an account's display name or handle, and
    a Korean full name's given name) replaced by ○○○. Case-insensitive for Latin names."""
    full, given = _variants(names)
    for name in sorted(full, key=len, reverse=True):
        text = regex.sub(regex.escape(name), NAME_MARK, text, flags=regex.IGNORECASE)
    for name in sorted(given, key=len, reverse=True):
        # A given name alone only where it addresses someone (민수님, 민수 씨): as a bare word it
        # is as often part of another word (국민수당).
        text = regex.sub(regex.escape(name) + r"(?=\s?(?:님|씨|께))", NAME_MARK, text)
    return text


def _variants(names: Iterable[str | None]) -> tuple[set[str], set[str]]:
    out: set[str] = set()
    given: set[str] = set()
    for name in names:
        name = (name or "").strip().lstrip("@")
        if len(name) < _MIN_NAME:
            continue
        out.add(name)
        if "@" in name:
            out.add(name.split("@", 1)[0])
        # 김민수 → 민수 too: a letter addresses a Korean citizen by the given name as often.
        if 3 <= len(name) <= 4 and all("가" <= c <= "힣" for c in name):
            given.add(name[1:])
    return {n for n in out if len(n) >= _MIN_NAME}, {n for n in given if len(n) >= _MIN_NAME}


def terms(*texts: str) -> list[str]:
    """The lemmas of ``texts`` (already masked and scrubbed), in order."""
    from madang.text.lemmas import lemmas  # the analyser loads on first use (idle memory)

    out: list[str] = []
    for text in texts:
        if text:
            out.extend(t for t in lemmas(text) if t)
    return out


_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")


def answer_hash(text: str) -> int:
    """A 64-bit SimHash of the text's character pairs (letters and digits only), as a signed
    integer for the database: two answers that differ by a greeting or a closing line are a few
    bits apart, two different answers about half of them. Suggestions show one of each kind."""
    import hashlib

    import numpy as np

    letters = _NOT_WORD.sub("", text.lower())
    pairs = {letters[i:i + 2] for i in range(len(letters) - 1)} or {letters}
    digests = np.array([int.from_bytes(hashlib.blake2b(p.encode(), digest_size=8).digest(), "little")
                        for p in pairs], dtype=np.uint64)
    bits = np.unpackbits(digests.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(pairs)
    value = int(np.packbits(votes > 0, bitorder="little").view(np.uint64)[0])
    return value - (1 << 64) if value >= 1 << 63 else value


def hash_distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
