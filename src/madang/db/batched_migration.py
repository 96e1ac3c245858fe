"""Data migrations over big tables: one transaction a batch, resumable after a stop (decision 0057).

A migration that rewrites the rows of a table that grows with use (statuses, home_feed_entries,
notifications, favourites, jobs, status_search_terms …) must not do it in one transaction: on
PostgreSQL that holds row locks and bloats the table until the end, on SQLite it holds the only
write lock and a WAL as big as the table; a stop (a crash, a deploy script's timeout, Ctrl-C)
throws all the work away. Such a migration calls `run_in_batches` from its `upgrade()`:

- the migration does that and nothing else (its schema changes go in the migration before it),
  because Alembic stamps a migration's revision only when it ends: after a stop, `madang migrate`
  runs the whole migration again, and only the batches are safe to run again;
- each batch of `size` rows, in key order, is handed to `apply(connection, rows)` and committed
  together with the last key it reached (in the `migration_progress` table, which exists only
  while a batched migration is unfinished), so the next run goes on after the last committed
  batch and never applies a batch twice;
- `apply` gets a connection in a transaction of its own: it writes with set-based statements or
  executemany, takes no network and no long locks.

A migration that fills a new column of every status from its text, say::

    def _fill(connection, rows):
        connection.execute(
            sa.update(sa.table("statuses", sa.column("id"), sa.column("language")))
            .where(sa.column("id") == sa.bindparam("row_id")).values(language=sa.bindparam("guess")),
            [{"row_id": row.id, "guess": guess_language(row.text)} for row in rows])

    def upgrade() -> None:
        run_in_batches("0050_statuses_language", "statuses", "id", _fill, columns=["text"],
                       where=sa.column("language").is_(None), size=2000)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

PROGRESS_TABLE = "migration_progress"

_progress = sa.Table(
    PROGRESS_TABLE, sa.MetaData(),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("last_key", sa.Text(), nullable=False),
    sa.Column("rows_done", sa.BigInteger(), nullable=False),
)

Apply = Callable[[Connection, Sequence[Row[Any]]], None]


def run_in_batches(name: str, table: str, key: Sequence[str] | str, apply: Apply, *,
                   columns: Sequence[str] = (), where: sa.ColumnElement[bool] | None = None,
                   size: int = 1000, report: Callable[[int], None] | None = None) -> int:
    """From a migration's `upgrade()`: hand the rows of `table` to `apply`, `size` at a time in
    the order of `key` (a unique column, or the columns of a composite primary key), each batch
    committed with its progress. Rows come with the key column(s) first, then `columns`; `where`
    (written against `sa.column(...)`s of the table) narrows them. `name` is unique for the work
    (e.g. the revision and what it does). Returns the rows handed over in this run."""
    from alembic import op

    context = op.get_context()
    # Commits what the run did before this migration (their revisions are stamped) and leaves
    # the migration's own connection outside any transaction, so it holds no lock meanwhile.
    with context.autocommit_block():
        assert context.connection is not None
        return run_batches_on(context.connection.engine, name, table, key, apply, columns=columns,
                              where=where, size=size, report=report)


def run_batches_on(engine: Engine, name: str, table: str, key: Sequence[str] | str, apply: Apply, *,
                   columns: Sequence[str] = (), where: sa.ColumnElement[bool] | None = None,
                   size: int = 1000, report: Callable[[int], None] | None = None) -> int:
    """`run_in_batches` on an engine, outside Alembic (for a command or a test)."""
    report = report or _progress_printer(name)
    keys = [key] if isinstance(key, str) else list(key)
    rows_of = sa.table(table, *(sa.column(name) for name in dict.fromkeys([*keys, *columns])))
    key_columns = [rows_of.c[k] for k in keys]
    key_expression = key_columns[0] if len(key_columns) == 1 else sa.tuple_(*key_columns)
    base = sa.select(*key_columns, *(rows_of.c[c] for c in columns if c not in keys)).order_by(*key_columns)
    if where is not None:
        base = base.where(where)

    with engine.begin() as connection:
        _progress.create(connection, checkfirst=True)
        saved = connection.execute(sa.select(_progress.c.last_key, _progress.c.rows_done)
                                   .where(_progress.c.name == name)).first()
    last = json.loads(saved.last_key) if saved else None
    done = saved.rows_done if saved else 0
    recorded = saved is not None
    handed = 0
    while True:
        with engine.begin() as connection:
            query = base.limit(size)
            if last is not None:
                query = query.where(key_expression > (last[0] if len(keys) == 1 else sa.tuple_(*last)))
            rows = connection.execute(query).all()
            if not rows:
                break
            apply(connection, rows)
            last = list(rows[-1][:len(keys)])
            done += len(rows)
            handed += len(rows)
            _save(connection, name, json.dumps(last), done, first=not recorded)
            recorded = True
        report(done)
    _forget(engine, name)
    return handed


def _progress_printer(name: str, every: float = 5.0) -> Callable[[int], None]:
    """Prints to standard error how many rows are done, at most every few seconds (the operator
    running `madang migrate` sees that it is moving)."""
    import sys
    import time

    last = time.monotonic()

    def report(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= every:
            last = time.monotonic()
            print(f"{name}: {done:,} rows done", file=sys.stderr, flush=True)

    return report


def _save(connection: Connection, name: str, last_key: str, done: int, *, first: bool) -> None:
    if first:
        connection.execute(sa.insert(_progress).values(name=name, last_key=last_key, rows_done=done))
    else:
        connection.execute(sa.update(_progress).where(_progress.c.name == name)
                           .values(last_key=last_key, rows_done=done))


def _forget(engine: Engine, name: str) -> None:
    """The work is done: its progress goes, and the table with the last of them, so a finished
    database has exactly the models' tables."""
    with engine.begin() as connection:
        connection.execute(sa.delete(_progress).where(_progress.c.name == name))
        if connection.execute(sa.select(sa.func.count()).select_from(_progress)).scalar_one() == 0:
            _progress.drop(connection)
