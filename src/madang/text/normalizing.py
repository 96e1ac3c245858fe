"""The one normal form every other function of the package works on."""

from __future__ import annotations

import unicodedata

import regex

_LINE_BREAK = regex.compile(r"\r\n?")
# C0 controls other than tab and line feed: NUL is dropped by HTML parsers and refused by
# PostgreSQL, and none of them may appear in XML 1.0, so one in a post or a display name
# would break every RSS, Atom and Open311 XML document that carries it. A lone surrogate
# (which Python's json accepts from "\ud800") cannot be encoded as UTF-8 at all.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
# What XML 1.0 cannot carry at all (its Char production), for writers of text stored before
# normalize() removed controls.
_NOT_XML = regex.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def normalize(text: str) -> str:
    """NFC, with CR LF and lone CR as LF, C0 controls but tab and LF removed, lone surrogates as U+FFFD.

    Every piece of text a person sends (posts, profiles, requests, titles, options...) passes
    through here before it is checked or stored.
    """
    text = _LINE_BREAK.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    # Last, so that a removal cannot leave two neighbours that would compose.
    return unicodedata.normalize("NFC", text)


def normalize_optional(text: str | None) -> str | None:
    return None if text is None else normalize(text)


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (a defence for writers of old rows)."""
    return _NOT_XML.sub("", text)
