"""Autocomplete in tiers (decision 0062): the exact name, then names starting with what was typed,
then 초성 and partly typed syllables (`ㅇㅇ`, `안야`, `안ㅇㅅ` find 안양시청).

Each tier is its own small query on an index (a prefix is a range: `key >= p AND key < p+1`),
limited to the page; the tiers run as one statement, so a query costs a few index steps however
many accounts or tags there are, and one round trip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.text.hangul_keys import Pattern, range_end


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


async def ranked_ids(session: AsyncSession, tiers: Sequence[Select], *, limit: int, offset: int) -> list[int]:
    """The ids of a page over ``tiers`` (each ``SELECT id, <sort keys> … ORDER BY … LIMIT
    offset+limit`` on its own index), first tiers first, an id kept at its first place: one
    statement (UNION ALL of the tiers, each a subquery so that its LIMIT holds on SQLite too)."""
    if not tiers:
        return []
    parts = []
    for rank, tier in enumerate(tiers):
        inner = tier.subquery()
        parts.append(select(inner.c.id, literal(rank).label("tier"), *[c for c in inner.c if c.key != "id"]))
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    sort = [merged.c.tier, *[c for c in merged.c if c.key not in ("id", "tier")]]
    ids: list[int] = []
    for (row_id,) in (await session.execute(select(merged.c.id).order_by(*sort, merged.c.id))).all():
        if row_id not in ids:
            ids.append(row_id)
    return ids[offset:offset + limit] if len(ids) >= offset + limit else ids[offset:]


async def rows_by_ids(session: AsyncSession, model: Any, ids: list[int]) -> list[Any]:
    """The rows of ``ids``, in that order (one statement)."""
    if not ids:
        return []
    found = {row.id: row for row in await session.scalars(select(model).where(model.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
