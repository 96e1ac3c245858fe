"""Rendering parsed text to the status HTML Mastodon emits."""

from __future__ import annotations

from collections.abc import Callable

import regex

from madang.text.tokens import HashtagToken, MentionToken, ParsedText, UrlToken

# Mastodon hides the scheme and a leading `www.` and shows 30 characters of the rest.
_URL_PREFIX = regex.compile(r"[Hh][Tt][Tt][Pp][Ss]?://(?:[Ww][Ww][Ww]\.)?")
_DISPLAY_LENGTH = 30
_PARAGRAPH_BREAK = regex.compile(r"\n{2,}")

# Escapes exactly as nh3's serialiser writes text and attribute values, so that
# rendered HTML passes through sanitize_html unchanged.  NUL is dropped by HTML
# parsers, so it is written as the replacement character they would show.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;", "\x00": "\ufffd"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;", "\x00": "\ufffd"}
)


def render_html(
    parsed: ParsedText,
    *,
    mention_url: Callable[[MentionToken], str | None],
    tag_url: Callable[[HashtagToken], str],
) -> str:
    """HTML for ``parsed``: `<p>` per blank-line-separated paragraph, `<br />` per newline.

    ``mention_url`` returns the profile URL of a mentioned account, or None when there is
    no such account (the mention then stays text); both callbacks must return absolute
    http(s) URLs, since sanitize_html drops any other.
    """
    text = parsed.text
    if not text.strip():
        return ""
    # Tokens never hold a newline, so paragraphs can be cut after the markup is in.
    paragraphs = (p.strip("\n") for p in _PARAGRAPH_BREAK.split(_marked_up(parsed, mention_url, tag_url)))
    return "".join(f"<p>{p.replace(chr(10), '<br />')}</p>" for p in paragraphs if p)


def render_inline_html(
    parsed: ParsedText,
    *,
    mention_url: Callable[[MentionToken], str | None],
    tag_url: Callable[[HashtagToken], str],
) -> str:
    """One line of HTML, without paragraphs (a profile field's value, as Mastodon serves it):
    the text escaped, links and hashtags marked up, a line break read as a space."""
    return _marked_up(parsed, mention_url, tag_url).replace("\n", " ").strip()


def _marked_up(
    parsed: ParsedText,
    mention_url: Callable[[MentionToken], str | None],
    tag_url: Callable[[HashtagToken], str],
) -> str:
    text = parsed.text
    tokens: list[MentionToken | HashtagToken | UrlToken] = sorted(
        (*parsed.mentions, *parsed.hashtags, *parsed.urls), key=lambda t: t.start
    )
    pieces: list[str] = []
    position = 0
    for token in tokens:
        pieces.append(_text(text[position : token.start]))
        if isinstance(token, MentionToken):
            url = mention_url(token)
            pieces.append(_text(text[token.start : token.end]) if url is None else _mention(token, url))
        elif isinstance(token, HashtagToken):
            pieces.append(_hashtag(token, tag_url(token)))
        else:
            pieces.append(_link(token.url))
        position = token.end
    pieces.append(_text(text[position:]))
    return "".join(pieces)


def _text(value: str) -> str:
    return value.translate(_TEXT_ESCAPES)


def _attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE_ESCAPES)


def _mention(token: MentionToken, url: str) -> str:
    # Only the username is shown, also for a remote account, as Mastodon does.
    return (
        f'<span class="h-card" translate="no"><a href="{_attribute(url)}" class="u-url mention">'
        f"@<span>{_text(token.username)}</span></a></span>"
    )


def _hashtag(token: HashtagToken, url: str) -> str:
    # Shown as typed, with an ASCII `#` even when `＃` was typed, as Mastodon does.
    return f'<a href="{_attribute(url)}" class="mention hashtag" rel="tag">#<span>{_text(token.name)}</span></a>'


def _link(url: str) -> str:
    # Mastodon's TextFormatter#link_to_url: the trailing invisible span is always
    # there, empty when nothing was cut, and the middle span's class is then "".
    prefix = _URL_PREFIX.match(url)
    cut = prefix.end() if prefix else 0
    rest = url[cut:]
    shown, hidden = rest[:_DISPLAY_LENGTH], rest[_DISPLAY_LENGTH:]
    middle_class = "ellipsis" if hidden else ""
    return (
        f'<a href="{_attribute(url)}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        f'<span class="invisible">{_text(url[:cut])}</span>'
        f'<span class="{middle_class}">{_text(shown)}</span>'
        f'<span class="invisible">{_text(hidden)}</span></a>'
    )
