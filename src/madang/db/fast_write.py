"""INSERTs for the hottest write (a post), run on the driver's connection without the ORM.

A post writes half a dozen rows. Through the ORM's unit of work each cost ~150–250 µs of
Python around a ~20 µs SQLite statement (bench/probe_queries.py --post); the single SQLite
writer is held for all of it, so it bounds posts per second. ``FastInsert`` compiles one
INSERT per table once and runs it with ``executemany`` on the unit's sqlite3 connection,
applying SQLAlchemy's bind processors and the columns' Python-side defaults, so the stored
values are the ones the ORM would have written. On PostgreSQL it is a Core INSERT.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.fast_select import SQLITE_DIALECT
from madang.db.inline import InlineSession


class FastInsert:
    """``INSERT INTO table (every column) VALUES (...)``; ``ignore_conflicts`` adds
    ``ON CONFLICT DO NOTHING`` (idempotent rows)."""

    def __init__(self, table: Table, *, ignore_conflicts: bool = False) -> None:
        self.table = table
        self.ignore_conflicts = ignore_conflicts
        columns = list(table.columns)
        names = [c.name for c in columns]
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        quoted = [SQLITE_DIALECT.identifier_preparer.quote(n) for n in names]
        self.sqlite_sql = (f"{verb} INTO {SQLITE_DIALECT.identifier_preparer.format_table(table)} "
                           f"({', '.join(quoted)}) VALUES ({', '.join(':' + n for n in names)})")
        self._server_defaulted = {c.name for c in columns if c.server_default is not None and c.default is None}
        self._columns: list[tuple[str, Callable[[Any], Any] | None, Callable[[], Any] | None]] = []
        for c in columns:
            processor = c.type._cached_bind_processor(SQLITE_DIALECT)
            self._columns.append((c.name, processor, _python_default(c)))

    def _complete(self, row: Mapping[str, Any], *, process: bool) -> dict[str, Any]:
        """Every column, so all rows of an executemany have the same keys (a Core
        executemany takes its column list from the first row and drops the others' extras)."""
        out = {}
        for name, processor, default in self._columns:
            if name in row:
                value = row[name]
            elif default is not None:
                value = default()
            elif name in self._server_defaulted:
                raise ValueError(f"{self.table.name}.{name} has only a server default: pass it")
            else:
                value = None
            if process and processor is not None and value is not None:
                value = processor(value)
            out[name] = value
        return out

    async def run(self, session: AsyncSession, rows: Iterable[Mapping[str, Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if isinstance(session, InlineSession):
            session.driver_connection().executemany(self.sqlite_sql, [self._complete(r, process=True) for r in rows])
            return
        stmt = (postgresql.insert(self.table).on_conflict_do_nothing() if self.ignore_conflicts
                else insert(self.table))
        await session.execute(stmt, [self._complete(r, process=False) for r in rows])


def _python_default(column: Any) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg
        return lambda: value
    if default.is_callable:
        fn = default.arg
        return lambda: fn(None)  # SQLAlchemy wraps column defaults to take a context
    return None


class FastStatement:
    """Any prebuilt write statement (``INSERT … SELECT``, ``UPDATE``), compiled once per
    dialect by ``build(dialect_name)`` and run like ``FastInsert``; returns the row count.
    For statements every post runs, where building and compiling the SQL each time cost
    more than running it."""

    def __init__(self, build: Callable[[str], Any]) -> None:
        self._build = build
        self._statements: dict[str, Any] = {}
        compiled = build("sqlite").compile(dialect=SQLITE_DIALECT)
        if "POSTCOMPILE" in str(compiled):
            raise ValueError("FastStatement takes no expanding parameters")
        self.sqlite_sql = str(compiled)
        self._bind = {k: p for k, p in compiled._bind_processors.items() if p is not None}
        self._constants = {k: v for k, v in compiled.params.items() if v is not None}

    def _statement(self, dialect: str) -> Any:
        if dialect not in self._statements:
            self._statements[dialect] = self._build(dialect)
        return self._statements[dialect]

    async def run(self, session: AsyncSession, params: Mapping[str, Any]) -> int:
        if isinstance(session, InlineSession):
            values = dict(self._constants)
            values.update(params)
            for key, processor in self._bind.items():
                if values.get(key) is not None:
                    values[key] = processor(values[key])
            return session.driver_connection().execute(self.sqlite_sql, values).rowcount
        result = await session.execute(self._statement(session.get_bind().dialect.name), dict(params))
        return result.rowcount or 0
