"""Custom emoji in pages (decision 0043): ``:shortcode:`` in a post's (already sanitised) HTML or
in plain text becomes a small image, only for the emoji the post or account uses, with the
URL from our own row and the shortcode escaped; never inside a tag or an attribute."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from madang.media.custom_emojis import EmojiRef
from madang.media.storage import URL_PREFIX

# A tag of serialised HTML: attribute values are quoted, and may hold '>' (html5ever does not
# escape it in attributes), so quoted runs are skipped whole.
_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
_CODE = re.compile(r":([A-Za-z0-9_]{2,100}):")


def _src(path: str) -> str:
    return path if path.startswith(("https://", "http://")) else URL_PREFIX + path


def _image(ref: EmojiRef) -> str:
    code = escape(f":{ref.shortcode}:")
    return (f'<img class="custom-emoji" src="{escape(_src(ref.url))}" alt="{code}" title="{code}" '
            f'width="20" height="20" draggable="false">')


def _replace(text: str, by_code: dict[str, EmojiRef]) -> str:
    return _CODE.sub(lambda m: _image(by_code[m.group(1)]) if m.group(1) in by_code else m.group(0), text)


def emojify_html(html: Markup, emojis: Sequence[EmojiRef]) -> Markup:
    """Sanitised HTML with its emoji shown, in text only (never in tags or attributes)."""
    if not emojis or ":" not in html:
        return html
    by_code = {e.shortcode: e for e in emojis}
    pieces = _TAG.split(str(html))
    # re.split with one group: text at even indexes, tags at odd ones.
    return Markup("".join(p if i % 2 else _replace(p, by_code) for i, p in enumerate(pieces)))


def emojify_text(text: str, emojis: Sequence[EmojiRef]) -> Markup | None:
    """Plain text (a name, a content warning) escaped, with its emoji shown; None without any."""
    if not emojis or not text or ":" not in text:
        return None
    return Markup(_replace(str(escape(text)), {e.shortcode: e for e in emojis}))
