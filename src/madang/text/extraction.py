"""Turning a post's text into its mentions, hashtags and URLs."""

from __future__ import annotations

from bisect import bisect_right

from madang.text.mentions import find_mentions
from madang.text.normalizing import normalize
from madang.text.tags import find_hashtags, normalize_tag
from madang.text.tokens import HashtagToken, MentionToken, ParsedText, UrlToken
from madang.text.urls import find_urls


def parse(text: str) -> ParsedText:
    """Normalise ``text`` and find its tokens; offsets index the normalised text."""
    return extract(normalize(text))


def extract(text: str) -> ParsedText:
    """Find the tokens of ``text``, which must already be normalised."""
    urls = tuple(UrlToken(text[s:e], s, e) for s, e in find_urls(text))
    starts = [u.start for u in urls]

    def outside_urls(start: int, end: int) -> bool:
        # A URL's path and fragment (`/@user`, `/#frag`) hold no mentions or tags.
        # URLs are sorted and disjoint: only the last one starting before `end` can overlap.
        i = bisect_right(starts, end - 1) - 1
        return i < 0 or urls[i].end <= start

    mentions = tuple(
        MentionToken(username, domain, s, e)
        for s, e, username, domain in find_mentions(text)
        if outside_urls(s, e)
    )
    hashtags = tuple(
        HashtagToken(name, normalize_tag(name), s, e)
        for s, e, name in find_hashtags(text)
        if outside_urls(s, e)
    )
    return ParsedText(text=text, mentions=mentions, hashtags=hashtags, urls=urls)
