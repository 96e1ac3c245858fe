"""A batched data migration killed half-way goes on where it stopped, and applies each batch once;
a migration that fails half-way leaves nothing of itself behind.

The migrations here are a throwaway chain in a temporary folder run by madang's own Alembic
environment (env.py): the first makes a table of 2,500 rows, the second adds one to a counter
in every row through `run_in_batches`, 300 rows a batch. A counter is not idempotent, so any
batch applied twice, or lost, shows. The first run is `kill -9`ed while its fourth batch is
being written; the second run finishes the work.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from madang.db.batched_migration import PROGRESS_TABLE
from madang.db.migrate import MIGRATIONS, alembic_config

ROWS, SIZE, KILLED_IN = 2500, 300, 4

MAKE_THINGS = '''
"""things: rows to rewrite"""
import sqlalchemy as sa
from alembic import op
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    things = op.create_table("things", sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                             sa.Column("n", sa.Integer, nullable=False))
    op.bulk_insert(things, [{"id": i, "n": 0} for i in range(1, ROWS + 1)])
'''

COUNT_THINGS = '''
"""things: counted once each, in batches"""
import os
import signal
import sqlalchemy as sa
from madang.db.batched_migration import run_in_batches
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
batches = 0


def _count(connection, rows):
    global batches
    batches += 1
    connection.execute(sa.text("UPDATE things SET n = n + 1 WHERE id BETWEEN :a AND :b"),
                       {"a": rows[0].id, "b": rows[-1].id})
    if batches == int(os.environ.get("KILL_IN_BATCH", "0")):
        os.kill(os.getpid(), signal.SIGKILL)  # written, not committed


def upgrade():
    run_in_batches("0002_count_things", "things", "id", _count, size=SIZE)
'''

UPGRADE = '''
import sys
from alembic import command
from madang.db.migrate import alembic_config
config = alembic_config(sys.argv[1])
config.set_main_option("script_location", sys.argv[2])
command.upgrade(config, "head")
'''


def _chain(folder: Path) -> Path:
    (folder / "versions").mkdir(parents=True)
    shutil.copy(MIGRATIONS / "env.py", folder / "env.py")
    shutil.copy(MIGRATIONS / "script.py.mako", folder / "script.py.mako")
    constants = f"ROWS = {ROWS}\nSIZE = {SIZE}\n"
    (folder / "versions" / "0001_things.py").write_text(textwrap.dedent(MAKE_THINGS) + constants)
    (folder / "versions" / "0002_count_things.py").write_text(textwrap.dedent(COUNT_THINGS) + constants)
    return folder


def _upgrade(url: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", UPGRADE, url, str(folder)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def _upgrade_here(url: str, folder: Path) -> None:
    """The same upgrade in this process (no kill to survive: saves the subprocess's imports)."""
    config = alembic_config(url)
    config.set_main_option("script_location", str(folder))
    command.upgrade(config, "head")


def _read(url: str, sql: str) -> list[Any]:
    async def main() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(sa.text(sql))).all())
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_a_killed_batched_migration_resumes_and_counts_every_row_once(empty_url: str, tmp_path: Path) -> None:
    folder = _chain(tmp_path / "migrations")
    killed = _upgrade(empty_url, folder, KILL_IN_BATCH=str(KILLED_IN))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    committed = (KILLED_IN - 1) * SIZE
    # The table's migration ran and is stamped; the batched one is not, and kept its progress.
    assert _read(empty_url, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert _read(empty_url, f"SELECT name, last_key, rows_done FROM {PROGRESS_TABLE}") == [
        ("0002_count_things", f"[{committed}]", committed)]
    assert _read(empty_url, "SELECT n, count(*) FROM things GROUP BY n ORDER BY n") == [(0, ROWS - committed),
                                                                                         (1, committed)]

    _upgrade_here(empty_url, folder)
    assert _read(empty_url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _read(empty_url, "SELECT n, count(*) FROM things GROUP BY n") == [(1, ROWS)]
    assert not _has_table(empty_url, PROGRESS_TABLE)


FAILING = '''
"""things: a migration that fails after its first changes"""
import sqlalchemy as sa
from alembic import op
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("more_things", sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False))
    op.add_column("things", sa.Column("label", sa.String(20), nullable=True))
    op.execute("UPDATE things SET n = n + 10")
    raise RuntimeError("this migration fails")
'''


def test_a_failed_migration_leaves_the_database_at_the_revision_before(empty_url: str, tmp_path: Path) -> None:
    """On PostgreSQL (transactional DDL) and on SQLite (env.py begins each migration's
    transaction itself): the failed migration's table, column and updates are all gone, and
    once it is fixed, the next run applies it."""
    folder = _chain(tmp_path / "migrations")
    _upgrade_here(empty_url, folder)
    failing = folder / "versions" / "0003_failing.py"
    failing.write_text(textwrap.dedent(FAILING))
    with pytest.raises(RuntimeError, match="this migration fails"):
        _upgrade_here(empty_url, folder)
    assert _read(empty_url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _read(empty_url, "SELECT n, count(*) FROM things GROUP BY n") == [(1, ROWS)]
    assert _columns(empty_url, "things") == ["id", "n"] and not _has_table(empty_url, "more_things")

    failing.write_text(textwrap.dedent(FAILING).replace('    raise RuntimeError("this migration fails")\n', ""))
    _upgrade_here(empty_url, folder)
    assert _read(empty_url, "SELECT version_num FROM alembic_version") == [("0003",)]
    assert _read(empty_url, "SELECT n, count(*) FROM things GROUP BY n") == [(11, ROWS)]


def _inspect(url: str, look: Any) -> Any:
    async def main() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(lambda c: look(sa.inspect(c)))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _columns(url: str, table: str) -> list[str]:
    return [c["name"] for c in _inspect(url, lambda i: i.get_columns(table))]


def _has_table(url: str, table: str) -> bool:
    return bool(_inspect(url, lambda i: i.has_table(table)))
