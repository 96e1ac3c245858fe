"""Autocomplete in tiers (decision 0062): the exact name, then names starting with what was typed,
then 초성 and partly typed syllables (`ㅇㅇ`, `안야`, `안ㅇㅅ` find 안양시청).

Each tier is its own small query on an index (a prefix is a range: `key >= p AND key < p+1`),
asked only while the earlier tiers have not filled the page, so a query costs a few index
steps however many accounts or tags there are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from madang.text.hangul_keys import Pattern, range_end

T = TypeVar("T")


def like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as an index range (the column compares by code point:
    SQLite's BINARY, PostgreSQL's "C" collation; models.name_keys)."""
    return and_(column >= prefix, column < range_end(prefix))


def text_starts_with(session: AsyncSession, column: Any, prefix: str) -> ColumnElement[bool]:
    """For a column in the database's own collation (acct_key, tags.key): a range on SQLite
    (bytewise, so the unique index serves it), LIKE on PostgreSQL (whose collation may not
    keep a prefix together in a range)."""
    if session.get_bind().dialect.name == "sqlite":
        return starts_with(column, prefix)
    return column.like(like_prefix(prefix), escape="\\")


def pattern_clause(patterns: Sequence[Pattern], name: Any, initials: Any) -> ColumnElement[bool] | None:
    """Rows matching any of the patterns: a range of the initials index, then the characters
    fixed at some positions of the name key (`substr` is the same on both databases)."""
    clauses = []
    for pattern in patterns:
        parts = [starts_with(initials, pattern.initials)]
        run_at, run = 0, ""
        for at, chars in [*pattern.allowed, (-1, ())]:
            if len(chars) == 1 and run and at == run_at + len(run):
                run += chars[0]
                continue
            if run:  # consecutive fixed characters: one comparison (`안양` at 1)
                parts.append(func.substr(name, run_at + 1, len(run)) == run)
                run = ""
            if len(chars) == 1:
                run_at, run = at, chars[0]
            elif chars:
                parts.append(func.substr(name, at + 1, 1).in_(chars))
        clauses.append(and_(*parts))
    if not clauses:
        return None
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


async def in_tiers(tiers: Sequence[Callable[[int], Awaitable[Sequence[T]]]], *, key: Callable[[T], Any],
                   limit: int, offset: int) -> list[T]:
    """Each tier asked (for ``offset + limit`` rows: later tiers repeat earlier ones' rows) only
    while the page is not full, first tiers first, a row found twice kept at its first place."""
    want = offset + limit
    found: list[T] = []
    seen: set[Any] = set()
    for tier in tiers:
        if len(found) >= want:
            break
        for row in await tier(want):
            if key(row) not in seen:
                seen.add(key(row))
                found.append(row)
    return found[offset:want]
