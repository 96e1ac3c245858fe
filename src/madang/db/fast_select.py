"""SELECTs for the hottest reads, run on the driver's connection without the ORM.

A home-timeline page runs half a dozen short indexed statements. On SQLite each takes
~20–80 µs in the database and ~200 µs in SQLAlchemy's execution and ORM loading around it
(bench/probe_queries.py), so those statements are compiled once and run on the sqlite3
connection of the unit of work, with SQLAlchemy's own bind and result processors applied
so rows hold the same Python values the ORM would give. An expanding ``IN`` list becomes
one statement for any length: ``IN (SELECT value FROM json_each(:ids))``. On PostgreSQL
the statement goes through SQLAlchemy Core (asyncpg is already lean).

Rows come back as instances of a small class per statement (a named tuple with optional
behaviour mixed in), so code written against ORM attributes reads them unchanged. On
SQLite the values are converted when an attribute is read, not when the row is fetched.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Date, DateTime, Select, TypeDecorator
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.inline import InlineSession

SQLITE_DIALECT = SQLiteDialect_pysqlite(paramstyle="named")
_SQLITE = SQLITE_DIALECT


_fromisoformat = datetime.fromisoformat


def _utc_datetime(value: str | None) -> datetime | None:
    # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC without a zone. Parsing it with
    # "+00:00" appended is ~8x cheaper than parsing and then calling .replace(tzinfo=...).
    if value is None:
        return None
    if len(value) <= 26:
        return _fromisoformat(value + "+00:00")
    return _fromisoformat(value).astimezone(timezone.utc)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _bool(value: int | None) -> bool | None:
    return bool(value) if value is not None else None


def _json(value: str | None) -> Any:
    return orjson.loads(value) if value is not None else None


def _sqlite_result_processor(type_: Any) -> Callable[[Any], Any] | None:
    """C-speed conversions for the column types madang uses; SQLAlchemy's own otherwise.
    SQLAlchemy's regex-based datetime parsing was a fifth of a timeline page's time."""
    impl = type_.impl if isinstance(type_, TypeDecorator) else type_
    if isinstance(impl, DateTime) and (not isinstance(type_, TypeDecorator) or impl.timezone):
        return _utc_datetime if impl.timezone else (lambda v: datetime.fromisoformat(v) if v is not None else None)
    if isinstance(impl, Date):
        return _date
    if isinstance(impl, Boolean):
        return _bool
    if isinstance(impl, JSON):
        return _json
    return type_._cached_result_processor(_SQLITE, None)


def row_class(name: str, keys: Sequence[str], mixin: type | None = None) -> type:
    base = namedtuple(name, keys)  # type: ignore[misc]  # noqa: PYI024
    bases = (mixin, base) if mixin is not None else (base,)
    return type(name, bases, {"__slots__": ()})


def _lazy_row_class(base: type, keys: Sequence[str], processors: Sequence[Callable[[Any], Any] | None]) -> type:
    """``base`` over raw SQLite values, converting a column when its attribute is read.
    A page mostly hits the serialisers' caches, which read only a row's version fields,
    so most stored timestamps are never parsed. Indexing (``row[i]``) gives raw values."""
    def converted(i: int, proc: Callable[[Any], Any]) -> property:
        getitem = tuple.__getitem__
        return property(lambda self: proc(getitem(self, i)))

    # Raw values are all str/int/float/bytes/None: the row itself is hashable.
    attrs: dict[str, Any] = {"__slots__": (), "RAW_VALUES": True}
    for i, (key, proc) in enumerate(zip(keys, processors, strict=True)):
        if proc is not None:
            attrs[key] = converted(i, proc)
    return type(base.__name__, (base,), attrs)


class FastSelect:
    """One prebuilt SELECT. ``lists`` names its expanding (IN) parameters."""

    def __init__(self, statement: Select, *, name: str, mixin: type | None = None,
                 lists: Sequence[str] = ()) -> None:
        self.statement = statement
        self.lists = frozenset(lists)
        compiled = statement.compile(dialect=_SQLITE)
        sql = str(compiled)
        for param in self.lists:
            sql = sql.replace(f"(__[POSTCOMPILE_{param}])", f"(SELECT value FROM json_each(:{param}))")
        # A list written into the statement (`visibility IN ('public', 'unlisted')` in a policy):
        # one parameter per value, as SQLAlchemy renders it, so the planner sees the same IN.
        constant_lists: dict[str, Any] = {}
        for key, value in compiled.params.items():
            marker = f"(__[POSTCOMPILE_{key}])"
            if marker in sql and isinstance(value, (list, tuple)) and value:
                names = [f"{key}_{i}" for i in range(len(value))]
                sql = sql.replace(marker, "(" + ", ".join(f":{n}" for n in names) + ")")
                constant_lists.update(zip(names, value, strict=True))
        if "POSTCOMPILE" in sql:
            raise ValueError(f"expanding parameter not declared in lists: {sql}")
        self.sqlite_sql = sql
        self._bind = {k: p for k, p in compiled._bind_processors.items() if p is not None}
        # Values written into the statement (literals, constants in policies) travel as
        # anonymous parameters: bound once here.
        self._constants = {k: v for k, v in compiled.params.items()
                           if v is not None and not isinstance(v, (list, tuple))}
        self._constants.update(constant_lists)
        self._constants = self._sqlite_params(self._constants) if self._constants else {}
        columns = compiled._result_columns
        self.keys = [c.keyname for c in columns]
        processors = [_sqlite_result_processor(c.type) for c in columns]
        self.row_type = row_class(name, self.keys, mixin)
        self.sqlite_row_type = _lazy_row_class(self.row_type, self.keys, processors)

    def _sqlite_params(self, params: dict[str, Any]) -> dict[str, Any]:
        out = dict(getattr(self, "_constants", ()))
        for key, value in params.items():
            if key in self.lists:
                out[key] = orjson.dumps(list(value)).decode()
            else:
                proc = self._bind.get(key)
                out[key] = proc(value) if proc is not None and value is not None else value
        return out

    async def all(self, session: AsyncSession, params: dict[str, Any]) -> list[Any]:
        if isinstance(session, InlineSession):
            session.autoflush()
            cursor = session.driver_connection().execute(self.sqlite_sql, self._sqlite_params(params))
            return list(map(self.sqlite_row_type._make, cursor.fetchall()))
        result = await session.execute(self.statement, params)
        make = self.row_type._make
        return [make(r) for r in result]

    async def first(self, session: AsyncSession, params: dict[str, Any]) -> Any | None:
        rows = await self.all(session, params)
        return rows[0] if rows else None
