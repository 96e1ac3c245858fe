"""Finding ``@user`` and ``@user@domain`` mentions."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from madang.text.scripts import WORD_NOT_CJK

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"

# Before the `@`: nothing that makes it the middle of a word or address.  Latin letters,
# digits, `_`, `.` and `-` keep `a@b.com` and `kim.lee@anyang.go.kr` addresses; Hangul
# and other CJK do not block, because Korean writes `문의@anyanglove` without a space
# (twitter-text agrees; Mastodon does not, treating Hangul as a word character).
# After: Hangul may follow (`@anyanglove님`), but a Latin letter may not, or `@josé`
# would mention `jos`; nor may a second `@` whose domain did not parse, or
# `@user@localhost` would mention the local `user`.  The quantifiers are possessive so a
# failed look-ahead rejects the mention instead of shortening it.
_MENTION = regex.compile(
    rf"(?<!{WORD_NOT_CJK}|[.\-@＠/=+&])"
    r"@(?P<username>[A-Za-z0-9_]++(?:[.\-]++[A-Za-z0-9_]++)*+)"
    rf"(?:@(?P<domain>(?>{_LABEL}(?:\.{_LABEL})+)))?+"
    rf"(?!{WORD_NOT_CJK}|[@＠])",
    regex.V1,
)


def find_mentions(text: str) -> Iterator[tuple[int, int, str, str | None]]:
    """Yield (start, end, username, lower-cased domain or None) for ``text``, already normalised."""
    for match in _MENTION.finditer(text):
        domain = match.group("domain")
        yield match.start(), match.end(), match.group("username"), domain.lower() if domain else None
