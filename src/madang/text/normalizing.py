"""The one normal form every other function of the package works on."""

from __future__ import annotations

import unicodedata

import regex

_LINE_BREAK = regex.compile(r"\r\n?")
# NUL is dropped by HTML parsers and refused by PostgreSQL; a lone surrogate (which
# Python's json accepts from "\ud800") cannot be encoded as UTF-8 at all.
_UNSTORABLE = regex.compile(r"[\x00\ud800-\udfff]")


def normalize(text: str) -> str:
    """NFC, with CR LF and lone CR as LF, NUL removed and lone surrogates as U+FFFD."""
    text = _LINE_BREAK.sub("\n", text)
    text = _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)
    # Last, so that a removal cannot leave two neighbours that would compose.
    return unicodedata.normalize("NFC", text)
