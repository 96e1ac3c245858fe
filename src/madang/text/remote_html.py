"""Sanitising HTML that other servers send (posts, bios, field values, poll options), to the
allow-list Mastodon applies to remote content (decision 0037; federation reference §9).

Remote HTML is never trusted: only these tags survive, headings become bold paragraphs,
classes are kept only when they are microformats or the few Mastodon's clients act on, links
keep only the schemes the fediverse uses and always carry ``rel="nofollow noopener
noreferrer"``. Everything else (scripts, styles, event handlers, images, iframes) goes.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

_TAGS = {"p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li", "blockquote"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CLASS_PREFIXES = ("h-", "p-", "u-", "dt-", "e-")
_CLASS_NAMES = {"mention", "hashtag", "ellipsis", "invisible"}
_SCHEMES = {"http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini"}
REL = "nofollow noopener noreferrer"


_CLASS_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _keep_class(value: str) -> str | None:
    kept = [c for c in value.split()
            if _CLASS_NAME.fullmatch(c) and (c.startswith(_CLASS_PREFIXES) or c in _CLASS_NAMES)]
    return " ".join(kept) or None


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return _keep_class(value)
    if attribute in ("start", "value"):
        # Numbers only (`<ol start>`, `<li value>`): anything else is dropped.
        return value if re.fullmatch(r"-?\d{1,9}", value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    # Headings pass the cleaner bare (no attributes) and are rewritten after it.
    tags=_TAGS | _HEADINGS,
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "embed", "textarea",
                        "title", "svg", "math", "select"},
    # "*": no attribute on every tag (nh3 would otherwise allow `title` and `lang` everywhere).
    attributes={"*": set(), "a": {"href", "class"}, "span": {"class"}, "ol": {"start", "reversed"}, "li": {"value"}},
    # `translate="no"` is what Mastodon itself puts on mentions and allows back in; no other value.
    tag_attribute_values={"a": {"translate": {"no"}}, "span": {"translate": {"no"}}},
    attribute_filter=_filter,
    link_rel=REL,
    url_schemes=_SCHEMES,
    # A relative link would point into madang itself.
    url_relative="deny",
    strip_comments=True,
)

_HEADING_OPEN = re.compile(r"<h[1-6]>")
_HEADING_CLOSE = re.compile(r"</h[1-6]>")
# After cleaning, an `<a>` whose href was refused (javascript:, data:, relative) has no href:
# it is turned back into its text, as Mastodon does with links of unknown schemes.
_BLANK_LINES = re.compile(r"\n{3,}")
_DEAD_LINK = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


# html5ever (under nh3) takes quadratic time on deeply nested blocks (8,000 `<ul><li>` cost
# 0.7 s, 4,000 `<blockquote>` 0.16 s). A post has far fewer tags; beyond this many the tags
# are dropped and the text kept, so a crafted post costs the inbox worker milliseconds.
MAX_TAGS = 2_000
_RAW_TAG = re.compile(r"<[^<>]*>?")


def sanitise_remote_html(html: str) -> str:
    """``html`` from another server, reduced to what madang shows (safe to put in a page)."""
    if not html:
        return ""
    if html.count("<") > MAX_TAGS:
        html = _RAW_TAG.sub(" ", html)
    cleaned = _CLEANER.clean(html)
    # nh3's output escapes `<` in text and attribute values, so these patterns match tags only.
    cleaned = _HEADING_OPEN.sub("<p><strong>", cleaned)
    cleaned = _HEADING_CLOSE.sub("</strong></p>", cleaned)
    cleaned = _DEAD_LINK.sub(r"\1", cleaned)
    return cleaned.replace("<br>", "<br />")


def html_to_text(html: str) -> str:
    """The plain text of remote HTML (for search and notifications): breaks as newlines."""
    return clean_html_to_text(sanitise_remote_html(html))


_BLOCK = re.compile(r"</?(?:p|blockquote|pre|ul|ol)(?: [^>]*)?>")
_ITEM = re.compile(r"<li(?: [^>]*)?>")
_ANY_TAG = re.compile(r"<[^>]*>")


def clean_html_to_text(clean_html: str) -> str:
    """The plain text of HTML that `sanitise_remote_html` already produced: a paragraph break
    is a blank line, `<br>` and list items a newline. Fast (no parser) because sanitised HTML
    has `<` and `>` escaped everywhere but in its tags; never give it anything else."""
    text = clean_html.replace("<br />", "\n")
    text = _BLOCK.sub("\n\n", text)
    text = _ITEM.sub("\n", text)
    text = unescape(_ANY_TAG.sub("", text))
    # Remote HTML often carries source newlines between blocks: at most one blank line.
    # (Line by line, not one regex: a regex over runs of spaces backtracks quadratically.)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()
