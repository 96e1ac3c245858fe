"""How long a post is, by madang's rule (Mastodon's, with a 140 limit elsewhere)."""

from __future__ import annotations

import regex

from madang.text.extraction import extract
from madang.text.normalizing import normalize

URL_LENGTH = 23
_GRAPHEME = regex.compile(r"\X")


def count_characters(text: str, spoiler_text: str = "") -> int:
    """Grapheme clusters of spoiler and text after NFC; a URL counts 23, `@u@domain` as `@u`."""
    # Each part is counted on its own, so a token cannot be formed across the seam.
    return _count(normalize(spoiler_text)) + _count(normalize(text))


def byte_limit(max_characters: int) -> int:
    """A cap in UTF-8 bytes, so one crafted grapheme cluster of megabytes cannot pass.

    64 bytes a character is far above any real cluster (a family emoji is 25 bytes, a
    tag-sequence flag 28) and leaves room for long percent-encoded URLs.
    """
    return max_characters * 64


def _count(text: str) -> int:
    parsed = extract(text)
    fixed = {u.start: (u.end, URL_LENGTH) for u in parsed.urls}
    fixed.update({m.start: (m.end, 1 + len(m.username)) for m in parsed.mentions})
    total = 0
    position = 0
    for start in sorted(fixed):
        end, length = fixed[start]
        total += _graphemes(text[position:start]) + length
        position = end
    return total + _graphemes(text[position:])


def _graphemes(text: str) -> int:
    return sum(1 for _ in _GRAPHEME.finditer(text))
