"""The column type of autocomplete keys (decision 0062): compared by code point on both
databases, so that a prefix is one range of a B-tree index. SQLite compares text bytewise
(UTF-8 order is code point order); PostgreSQL gets the "C" collation, whatever the cluster's."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String

NAME_KEY = String(400).with_variant(String(400, collation="C"), "postgresql")


def initials_default(context: Any) -> str:
    """``tags.initials`` from the row's ``key`` for Core inserts that leave it out (a tag key
    is NFKC and lower-cased already). The rule is text.hangul_keys.initial_of, repeated here
    because models sit below text; tests/search/chosung checks the two agree."""
    if context is None:
        return ""
    key = context.get_current_parameters().get("key") or ""
    return "".join(_initial(c) for c in key)


def _initial(char: str) -> str:
    code = ord(char)
    if not 0xAC00 <= code <= 0xD7A3:
        return char
    name = unicodedata.name(chr(0x1100 + (code - 0xAC00) // 588))
    return unicodedata.lookup(name.replace("CHOSEONG", "LETTER"))
