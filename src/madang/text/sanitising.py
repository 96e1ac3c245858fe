"""Sanitising status HTML to Mastodon's allow-list, and reading its plain text back."""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

_TAGS = {"p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li", "blockquote"}
# The microformat and link-shortening classes clients style and act on (Elk keeps a
# mention in-app only when it has the `mention` class); any other class is dropped.
_CLASSES = {"h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis"}
_REL_TOKENS = ("nofollow", "noopener", "noreferrer", "tag", "me")

# rel is filtered token by token rather than forced with link_rel: a forced value would
# overwrite a hashtag's rel="tag" and add one to mention links, which Mastodon's own
# markup lacks, so rendered HTML would no longer survive sanitising unchanged.
# Browsers imply noopener for target="_blank" anyway.
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "textarea", "title"},
    attributes={"a": {"href", "rel"}},
    tag_attribute_values={
        "a": {"target": {"_blank"}, "translate": {"no"}},
        "span": {"translate": {"no"}},
    },
    allowed_classes={"a": _CLASSES, "span": _CLASSES},
    attribute_filter=lambda tag, attribute, value: _filter_rel(value) if attribute == "rel" else value,
    link_rel=None,
    url_schemes={"http", "https", "mailto"},
    # A relative link in federated HTML would point into madang itself.
    url_relative="deny",
    strip_comments=True,
)


def _filter_rel(value: str) -> str | None:
    tokens = value.lower().split()
    kept = [t for t in _REL_TOKENS if t in tokens]
    kept.sort(key=tokens.index)
    return " ".join(kept) or None


def sanitize_html(html: str) -> str:
    """``html`` with only Mastodon's allowed tags, attributes, classes and URL schemes."""
    # nh3 serialises void elements as `<br>`; Mastodon writes `<br />`.  Text and
    # attribute values come out with `<` escaped, so this cannot touch anything but tags.
    return _CLEANER.clean(html).replace("<br>", "<br />")


_BLOCKS = {"p", "blockquote", "pre", "ul", "ol"}


def html_to_text(html: str) -> str:
    """Plain text of status HTML: `<br>` a newline, a paragraph break a blank line."""
    reader = _TextReader()
    reader.feed(sanitize_html(html))
    reader.close()
    return "".join(reader.parts).strip("\n")


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # The break owed before the next text: owed, not written, so that trailing
        # and doubled block ends leave no stray newlines.
        self._pending = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._owe("\n\n")
        elif tag == "li":
            self._owe("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._owe("\n\n")
        elif tag == "li":
            self._owe("\n")

    def handle_data(self, data: str) -> None:
        if data:
            self._flush()
            self.parts.append(data)

    def _owe(self, newlines: str) -> None:
        if len(newlines) > len(self._pending):
            self._pending = newlines

    def _flush(self) -> None:
        if self._pending and self.parts:
            self.parts.append(self._pending)
        self._pending = ""
