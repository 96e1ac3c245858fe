"""Finding http(s) URLs in running text."""

from __future__ import annotations

from collections.abc import Iterator

import nh3
import regex

from madang.text.scripts import CJK, WORD_NOT_CJK

_LABEL = rf"{WORD_NOT_CJK}++(?:-++{WORD_NOT_CJK}++)*+"

# Scheme, host, then whatever no URL in running text contains ends it.  The host needs
# a dot: bare `https://localhost` in a post is more likely a typo than a link.  Hangul
# and other CJK end a URL, because Korean particles are written straight after one
# (`https://anyang.go.kr에서`); browsers copy non-ASCII paths percent-encoded, and
# neither Mastodon nor twitter-text takes Hangul into a path.  Letters of other scripts
# (IDN hosts, accented paths) stay in.  The scheme is spelt out rather than (?i),
# which under V1 would let `ſ` stand for `s`.
_URL = regex.compile(
    rf"(?<!{WORD_NOT_CJK}|[@＠$#＃])"
    r"[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?P<host>(?:{_LABEL}\.)+{_LABEL}(?::[0-9]{{1,5}})?+)"
    rf"(?:[/?#][^\s\p{{Z}}\p{{Cc}}\p{{Cf}}<>\"\\^`{{}}{CJK}]*+)?+",
    regex.V1,
)

# Characters a URL may end with; anything else at the end (`.`, `,`, `!`, `?`, `'`,
# `…`, an emoji) belongs to the sentence, not the link.  Closing brackets are kept
# only when they close an opening one inside the URL (Wikipedia's `Foo_(bar)`).
_ENDING = regex.compile(r"[\p{L}\p{M}\p{N}/=_#+\-~]", regex.V1)
_BRACKETS = {")": "(", "]": "["}
_CLOSING = {opening: closing for closing, opening in _BRACKETS.items()}


# The pattern admits hosts a browser refuses (port 99999, `999.999.999.999`, labels
# that fail IDNA).  Asking the WHATWG URL parser nh3 uses keeps such text plain, so
# every URL that is counted as one is also a link after sanitising.
_HREF_CHECK = nh3.Cleaner(
    tags={"a"}, attributes={"a": {"href"}}, link_rel=None, url_schemes={"http", "https"}, url_relative="deny"
)


def find_urls(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each URL in ``text``, which must already be normalised."""
    for match in _URL.finditer(text):
        url = _trim_end(match.group(), match.end("host") - match.start())
        if _browser_accepts(url):
            yield match.start(), match.start() + len(url)


def _browser_accepts(url: str) -> bool:
    # The pattern lets no `"`, `<` or `>` into a URL; `&` is the one character to escape.
    return "href" in _HREF_CHECK.clean(f'<a href="{url.replace("&", "&amp;")}"></a>')


def _trim_end(url: str, keep: int) -> str:
    # Walks an index and keeps bracket counts, so a run of 100 000 `)` stays linear.
    opened = {closing: url.count(opening) for closing, opening in _BRACKETS.items()}
    closed = {closing: url.count(closing) for closing in _BRACKETS}
    end = len(url)
    while end > keep:
        last = url[end - 1]
        if last in _BRACKETS:
            if opened[last] >= closed[last]:
                break
            closed[last] -= 1
        elif last in _CLOSING:
            opened[_CLOSING[last]] -= 1
        elif _ENDING.fullmatch(last):
            break
        end -= 1
    return url[:end]
