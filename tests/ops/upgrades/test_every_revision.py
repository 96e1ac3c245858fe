"""Every earlier database upgrades to head with `madang migrate` and keeps every row.

One pass a database (SQLite, PostgreSQL): starting empty, it steps through the migrations one
revision at a time (`madang.db.migrate.upgrade(url, revision)`, the code `madang migrate`
runs) and, at every revision, puts rows in every table that revision created or changed (and
in any table left empty), so that at every revision every table has rows and every column has
a value in a row made while it existed. The rows are made from the reflected schema
(`synthetic_rows`), so a new migration is covered without editing this file. The last step is
the real `madang migrate` command, in a subprocess.

Why this covers every revision as a start point: upgrading a database at revision R to head is
Alembic running the migrations after R, in order, on that database. Here the database at R has
rows in every table, and those rows then go through exactly those migrations, in that order
(the rows added at later revisions only give each migration more to do). So at head, every row
that was there at R is what a database built at R would hold after `madang migrate`. What
stepping does not exercise — all the later migrations in a single run, one transaction on
PostgreSQL — is exercised from the first revision by
`test_the_first_revision_upgrades_to_head_in_one_run`.

At head every row must still be there with each of its values as read back when it was made;
a column added after the row was made must hold what its migration writes (`FILLS`) or else
its server default; `DERIVED` checks the rows a migration writes into other tables. Around the
last step, `madang migrate --check` says what would run (exit 1), then that nothing would (0).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner, Result

from madang.cli import app
from madang.db.migrate import alembic_config, upgrade
from madang.text.personal_data import mask_personal_data
from madang.text.hangul_keys import initials_of_key, name_key
from tests.ops.upgrades.synthetic_rows import RowMaker, Snapshot, reflect

# Statements compiled once for the whole pass (each step has an engine of its own).
_STATEMENTS: dict[Any, Any] = {}

#: What a migration writes into a column it adds, for the rows that were there before it.
FILLS: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    # 0028: the masked description and address, back-filled.
    ("desk_cases", "description_public"):
        lambda row: mask_personal_data(row["description"]) if row["description"] is not None else "",
    ("open311_requests", "address_public"):
        lambda row: mask_personal_data(row["address_string"]) if row["address_string"] is not None else None,
    # 0048: autocomplete keys (decision 0062), back-filled from the display name and the tag key.
    ("accounts", "name_key"): lambda row: name_key(row["display_name"] or "")[:400],
    ("accounts", "name_initials"): lambda row: initials_of_key(name_key(row["display_name"] or "")[:400]),
    ("tags", "initials"): lambda row: initials_of_key(row["key"] or ""),
}


def _old_statuses_are_searchable(connection: Connection, snapshot: Snapshot) -> list[str]:
    """0004 indexed the statuses that were there before it (not boosts, not deleted ones)."""
    from madang.text.search_terms import document_terms

    chain = revisions()
    terms = sa.table("status_search_terms", sa.column("term"), sa.column("status_id"))
    found: dict[int, set[str]] = {}
    for term, status_id in connection.execute(sa.select(terms.c.term, terms.c.status_id)):
        found.setdefault(status_id, set()).add(term)
    problems, checked = [], 0
    for key, row in snapshot.rows.get("statuses", {}).items():
        if chain.index(snapshot.revision_of[("statuses", key)]) >= chain.index("0004"):
            continue
        expected = set() if row["reblog_of_id"] or row["deleted_at"] else set(document_terms(row["text"], row["spoiler_text"]))
        checked += bool(expected)
        if found.get(row["id"], set()) != expected:
            problems.append(f"statuses {key}: search terms {sorted(found.get(row['id'], set()))[:5]}…, "
                            f"expected {sorted(expected)[:5]}…")
    return problems if checked else ["no status made before 0004 had search terms to check"]


#: What a migration writes into other tables for the rows that were there before it.
DERIVED: list[Callable[[Connection, Snapshot], list[str]]] = [_old_statuses_are_searchable]
#: Columns and tables a migration drops on purpose ("table" or "table.column" → why).
DROPPED: dict[str, str] = {}


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def on_database(url: str, work: Callable[[Connection], Any]) -> Any:
    """Runs `work` on one connection and commits. SQLite through the synchronous driver: the rows
    are the same, and reflecting a schema is a few hundred PRAGMAs that each would cost a
    thread hop through aiosqlite (the migrations themselves run as `madang migrate` runs them)."""
    if url.startswith("sqlite+aiosqlite"):
        engine = sa.create_engine(url.replace("sqlite+aiosqlite", "sqlite", 1))
        try:
            with engine.connect() as connection:
                result = work(connection.execution_options(compiled_cache=_STATEMENTS))
                connection.commit()
                return result
        finally:
            engine.dispose()

    async def main() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                result = await connection.run_sync(lambda c: work(c.execution_options(compiled_cache=_STATEMENTS)))
                await connection.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(main())


def check(url: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`madang migrate --check` in this process (the subprocess costs seconds of imports)."""
    monkeypatch.setenv("MADANG_DATABASE_URL", url)
    monkeypatch.setenv("MADANG_SECRET_KEY", "upgrade-test-key-0123456789abcdef")
    return CliRunner().invoke(app, ["migrate", "--check"])


def step_through(url: str, chain: list[str], maker: RowMaker) -> dict[str, int]:
    """Upgrades to each revision in turn and fills the tables there, on one connection kept for
    the whole pass and left outside any transaction while a migration runs (on PostgreSQL a new
    connection per step would prepare the catalogue queries of reflection again each time)."""
    made_at: dict[str, int] = {}
    if url.startswith("sqlite+aiosqlite"):
        engine = sa.create_engine(url.replace("sqlite+aiosqlite", "sqlite", 1))
        try:
            with engine.connect() as connection:
                connection.execution_options(compiled_cache=_STATEMENTS)
                for revision in chain:
                    upgrade(url, revision)
                    made_at[revision] = maker.fill(connection, revision)
                    connection.commit()
        finally:
            engine.dispose()
        return made_at

    async def main() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                for revision in chain:
                    # madang's upgrade runs its own event loop: in a thread of its own.
                    await asyncio.to_thread(upgrade, url, revision)
                    made_at[revision] = await connection.run_sync(lambda c, r=revision: maker.fill(c, r))
                    await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(main())
    return made_at


def madang(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MADANG_DATABASE_URL": url, "MADANG_SECRET_KEY": "upgrade-test-key-0123456789abcdef"}
    return subprocess.run([str(Path(sys.executable).with_name("madang")), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_revision_upgrades_to_head_keeping_every_row(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = revisions()
    snapshot = Snapshot()
    maker = RowMaker(snapshot)
    made_at = step_through(empty_url, chain[:-1], maker)

    before = check(empty_url, monkeypatch)
    assert before.exit_code == 1, before.output
    assert f"database revision: {chain[-2]}" in before.output and f"would run {chain[-1]}" in before.output
    ran = madang(empty_url, "migrate")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    after = check(empty_url, monkeypatch)
    assert after.exit_code == 0 and "up to date" in after.output, after.output

    assert all(made_at.values()), made_at
    problems = on_database(empty_url, lambda c: compare_at_head(c, snapshot))
    assert problems == [], "\n".join(problems[:40])


def test_the_first_revision_upgrades_to_head_in_one_run(empty_url: str) -> None:
    """Every migration in one `madang migrate` run (one transaction on PostgreSQL), on rows;
    then every downgrade, down to an empty database."""
    first = revisions()[0]
    snapshot = Snapshot()
    upgrade(empty_url, first)
    on_database(empty_url, lambda c: RowMaker(snapshot, per_table=3).fill(c, first))
    ran = madang(empty_url, "migrate")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    problems = on_database(empty_url, lambda c: compare_at_head(c, snapshot))
    assert problems == [], "\n".join(problems[:40])

    # The downgrade functions are for developers (rolling back an instance is restoring its
    # backup, docs/ops/upgrading.md), but they must run: all the way down, with rows there.
    command.downgrade(alembic_config(empty_url), "base")
    assert on_database(empty_url, lambda c: sorted(sa.inspect(c).get_table_names())) == ["alembic_version"]


def compare_at_head(connection: Connection, snapshot: Snapshot) -> list[str]:
    head = reflect(connection)
    problems: list[str] = [p for check in DERIVED for p in check(connection, snapshot)]
    for name, rows in snapshot.rows.items():
        if name not in head.tables:
            if name not in DROPPED:
                problems.append(f"{name}: the table is gone with its {len(rows)} rows")
            continue
        table = head.tables[name]
        key = snapshot.key_columns[name]
        if any(k not in table.c for k in key):
            problems.append(f"{name}: key columns {key} are gone")
            continue
        now = {tuple(r._mapping[k] for k in key): dict(r._mapping) for r in connection.execute(sa.select(table))}
        for k, made in rows.items():
            where = f"{name} {k} (made at {snapshot.revision_of[(name, k)]})"
            found = now.get(k)
            if found is None:
                problems.append(f"{where}: the row is gone")
                continue
            for column, value in made.items():
                if column not in found:
                    if f"{name}.{column}" not in DROPPED:
                        problems.append(f"{where}: column {column} is gone")
                elif found[column] != value:
                    problems.append(f"{where}: {column} was {value!r}, is {found[column]!r}")
            for column in found.keys() - made.keys():
                expected = _added_value(connection, table.c[column], found)
                if expected is not _ANY and found[column] != expected:
                    problems.append(f"{where}: {column}, added later, is {found[column]!r}, not {expected!r}")
    return problems


_ANY = object()


def _added_value(connection: Connection, column: sa.Column[Any], row: dict[str, Any]) -> Any:
    fill = FILLS.get((column.table.name, column.name))
    if fill is not None:
        return fill(row)
    default = column.server_default
    if default is None:
        return None  # NOT NULL without a default would have failed the migration on rows
    text = str(getattr(default, "arg", default))
    if "(" in text or "current" in text.lower() or "now" in text.lower():
        return _ANY  # a clock or a function: any value will do
    return connection.execute(sa.select(sa.cast(sa.text(text), column.type))).scalar_one()
