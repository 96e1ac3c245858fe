"""Post text: normalising, counting, extracting mentions, hashtags and URLs, rendering and sanitising HTML."""

from madang.text.counting import URL_LENGTH, byte_limit, count_characters
from madang.text.extraction import parse
from madang.text.normalizing import normalize
from madang.text.rendering import render_html
from madang.text.sanitising import html_to_text, sanitize_html
from madang.text.tags import is_valid_tag, normalize_tag
from madang.text.tokens import HashtagToken, MentionToken, ParsedText, UrlToken

__all__ = [
    "URL_LENGTH",
    "HashtagToken",
    "MentionToken",
    "ParsedText",
    "UrlToken",
    "byte_limit",
    "count_characters",
    "html_to_text",
    "is_valid_tag",
    "normalize",
    "normalize_tag",
    "parse",
    "render_html",
    "sanitize_html",
]
