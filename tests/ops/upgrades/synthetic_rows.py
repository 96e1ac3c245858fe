"""Rows for every table of a database at any migration revision, made from its reflected schema.

Nothing here knows madang's tables: a column gets a value from its type, a foreign key points to
a row its table already has (the newest first, so one-to-one references find a free parent),
and values that must be unique are checked against the rows already there before inserting.
A new migration's tables and columns are covered without touching this file; a column type it
does not know fails loudly (`UnknownType`) so that someone teaches it one more.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: Tables that are the migration machinery's own, not the product's.
NOT_PRODUCT = {"alembic_version", "migration_progress"}
UTC = dt.timezone.utc
EPOCH = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# A phone number and an e-mail-like text so that masking back-fills have something to mask.
TEXT = "마당 합성 행 {g} — 연락처 010-2345-{g4:04d}, 안양시 동안구 시민대로 {g}; #태그{g} naïve"


class UnknownType(Exception):
    pass


class NoParent(Exception):
    """A NOT NULL foreign key whose table has no row yet: try this table later in the step."""


Key = tuple[Any, ...]


@dataclass
class Snapshot:
    """What was inserted, as read back by the database (so type round trips are its own)."""

    rows: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    key_columns: dict[str, list[str]] = field(default_factory=dict)
    revision_of: dict[tuple[str, Key], str] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def reflect(connection: Connection) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    for name in NOT_PRODUCT & set(metadata.tables):
        metadata.remove(metadata.tables[name])
    return metadata


_PG_DEFINITIONS = """
SELECT c.relname,
  coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text
                              || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY a.attnum)
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
  || coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ', ' ORDER BY k.conname)
               FROM pg_constraint k WHERE k.conrelid = c.oid), '')
  || coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), ', ' ORDER BY 1)
               FROM pg_index i WHERE i.indrelid = c.oid), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
"""


def definitions(connection: Connection) -> dict[str, str]:
    """Each table's definition as the database tells it (columns, constraints, indexes), to
    reflect again only the tables a migration changed."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT tbl_name, group_concat(sql, ';') FROM "
            "(SELECT tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name) GROUP BY tbl_name")
    else:
        rows = connection.exec_driver_sql(_PG_DEFINITIONS)
    return {name: text for name, text in rows if name not in NOT_PRODUCT}


class Schema:
    """The reflected schema, kept between revisions: a table is reflected again only when its
    definition changed (reflection is most of the time of a step, and the same Table objects
    keep SQLAlchemy's statement cache warm)."""

    def __init__(self) -> None:
        self.metadata = sa.MetaData()
        self.seen: dict[str, str] = {}

    def refresh(self, connection: Connection) -> sa.MetaData:
        now = definitions(connection)
        stale = [name for name in self.metadata.tables if self.seen.get(name) != now.get(name)]
        for name in stale:
            self.metadata.remove(self.metadata.tables[name])
        missing = [name for name in now if name not in self.metadata.tables]
        if missing:
            self.metadata.reflect(connection, only=missing, extend_existing=True)
        for name in NOT_PRODUCT & set(self.metadata.tables):
            self.metadata.remove(self.metadata.tables[name])
        self.seen = now
        return self.metadata


def _unique_sets(table: sa.Table) -> list[list[str]]:
    sets = [[c.name for c in table.primary_key.columns]]
    sets += [[c.name for c in u.columns] for u in table.constraints if isinstance(u, sa.UniqueConstraint)]
    sets += [[c.name for c in i.columns] for i in table.indexes if i.unique and list(i.columns)]
    return [s for s in sets if s]


class RowMaker:
    """Inserts `per_table` rows into the tables a revision created or changed (every table with
    `every_table`, and any empty one), and snapshots them as the database reads them back."""

    def __init__(self, snapshot: Snapshot, *, per_table: int = 2, every_table: bool = False) -> None:
        self.snapshot = snapshot
        self.per_table = per_table
        self.every_table = every_table
        self.serial = 0
        self.schema = Schema()
        self.present: dict[str, list[dict[str, Any]]] = {}

    def fill(self, connection: Connection, revision: str) -> int:
        before = dict(self.schema.seen)
        metadata = self.schema.refresh(connection)
        counts = dict(connection.execute(sa.union_all(*(
            sa.select(sa.literal(t.name).label("name"), sa.func.count().label("n")).select_from(t)
            for t in metadata.sorted_tables))).all())
        # Rows are read again only for a table the last migration changed (its definition, or
        # its number of rows): the others are as this maker left them.
        present = {name: rows for name, rows in self.present.items()
                   if name in metadata.tables and before.get(name) == self.schema.seen.get(name)
                   and counts.get(name) == len(rows)}
        for table in metadata.sorted_tables:
            if table.name not in present:
                present[table.name] = [dict(r._mapping) for r in connection.execute(sa.select(table))]
        self.present = present
        # New rows for the tables this revision created or changed, and for any table left empty:
        # the others keep the rows made at an earlier revision, with the same definition as now.
        waiting = [t for t in metadata.sorted_tables
                   if self.every_table or before.get(t.name) != self.schema.seen.get(t.name) or not counts.get(t.name)]
        made = 0
        while waiting:
            deferred = []
            for table in waiting:
                try:
                    made += self._fill_table(connection, table, present, revision)
                except NoParent:
                    deferred.append(table)
            if len(deferred) == len(waiting):
                raise AssertionError(f"no rows possible for {[t.name for t in deferred]}: NOT NULL foreign keys in a cycle")
            waiting = deferred
        empty = [name for name in metadata.tables if not present[name]]
        assert not empty, f"tables without rows at {revision}: {empty}"
        return made

    def _fill_table(self, connection: Connection, table: sa.Table, present: dict[str, list[dict[str, Any]]],
                    revision: str) -> int:
        unique_sets = _unique_sets(table)
        used = {tuple(s): {tuple(r[c] for c in s) for r in present[table.name]} for s in map(tuple, unique_sets)}
        new_rows = []
        for _ in range(self.per_table):
            self.serial += 1
            row = self._free_row(table, self.serial, present, used)
            for s in used:
                used[s].add(tuple(row[c] for c in s))
            new_rows.append(row)
        inserted = [dict(r._mapping) for r in connection.execute(table.insert().returning(*table.c), new_rows)]
        present[table.name].extend(inserted)
        key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
        self.snapshot.key_columns.setdefault(table.name, key)
        mine = self.snapshot.rows.setdefault(table.name, {})
        for r in inserted:
            k = tuple(r[c] for c in self.snapshot.key_columns[table.name])
            mine[k] = r
            self.snapshot.revision_of[(table.name, k)] = revision
        return len(inserted)

    def _free_row(self, table: sa.Table, g: int, present: dict[str, list[dict[str, Any]]],
                  used: dict[tuple[str, ...], set[Key]]) -> dict[str, Any]:
        chooser = random.Random(zlib.crc32(f"{table.name}:{g}".encode()))
        for attempt in range(400):
            row = self._row(table, g, attempt, chooser, present)
            clash = [s for s, seen in used.items()
                     if None not in (key := tuple(row[c] for c in s)) and key in seen]
            if not clash:
                return row
        raise AssertionError(f"{table.name}: no row with free unique values after 400 tries ({clash})")

    def _row(self, table: sa.Table, g: int, attempt: int, chooser: random.Random,
             present: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        one_to_one = {s[0] for s in _unique_sets(table) if len(s) == 1}
        constraints = sorted(table.foreign_key_constraints,
                             key=lambda f: (not (set(f.column_keys) & one_to_one), f.name or "", f.column_keys))
        for j, fk in enumerate(constraints):
            parents = [p for p in present.get(fk.referred_table.name, [])
                       if all(p.get(e.column.name) is not None for e in fk.elements)]
            local = [e.parent for e in fk.elements]
            if all(c.nullable for c in local) and g % 2:
                row.update({c.name: None for c in local if c.name not in row})
                continue
            if not parents:
                if all(c.nullable for c in local):
                    row.update({c.name: None for c in local})
                    continue
                raise NoParent(table.name)
            # The newest parent first for the first reference, so that a one-to-one reference
            # walks every parent before giving up; the others at random.
            index = len(parents) - 1 - attempt % len(parents) if j == 0 else chooser.randrange(len(parents))
            parent = parents[index]
            for element in fk.elements:
                row.setdefault(element.parent.name, parent[element.column.name])
        for column in table.columns:
            if column.name in row or column.computed is not None:
                continue
            # Every other row leaves its nullable columns empty: both shapes go through each migration.
            nothing = column.nullable and not column.primary_key and g % 2
            row[column.name] = None if nothing else value_for(column, g + attempt * 100_000)
        return row


def value_for(column: sa.Column[Any], g: int) -> Any:
    t = column.type
    if isinstance(t, sa.Boolean):
        return g % 2 == 0
    if isinstance(t, sa.Enum) and t.enums:
        return t.enums[g % len(t.enums)]
    if isinstance(t, sa.SmallInteger):
        return g % 30_000
    if isinstance(t, sa.BigInteger):
        return 10**12 + g if column.primary_key else g
    if isinstance(t, sa.Integer):
        return 1_000_000 + g if column.primary_key else g
    if isinstance(t, sa.Float):
        return g + 0.25
    if isinstance(t, sa.Numeric):
        return decimal.Decimal(g) + decimal.Decimal("0.25")
    if isinstance(t, sa.DateTime):
        moment = EPOCH + dt.timedelta(minutes=g)
        return moment if t.timezone else moment.replace(tzinfo=None)
    if isinstance(t, sa.Date):
        return EPOCH.date() + dt.timedelta(days=g % 5000)
    if isinstance(t, sa.Time):
        return dt.time(g % 24, g % 60)
    if isinstance(t, sa.Interval):
        return dt.timedelta(seconds=g)
    if isinstance(t, sa.JSON):
        return {"synthetic": g, "말": "마당", "list": [g, "값"]}
    if isinstance(t, sa.LargeBinary):
        return f"bytes-{g}".encode()
    if isinstance(t, sa.Uuid):
        return uuid.UUID(int=g)
    if isinstance(t, sa.ARRAY):
        return [str(g)]
    if isinstance(t, sa.String):  # Text, VARCHAR, CHAR …
        text = TEXT.format(g=g, g4=g % 10_000) if t.length is None or t.length >= 60 else f"{g}-{column.name}-마당"
        return text[: t.length] if t.length else text
    raise UnknownType(f"{column.table.name}.{column.name}: {t!r}")
