"""Suite-wide fixtures: every database test runs on SQLite and on a real PostgreSQL.

Each test gets a fresh, migrated database copied from a template (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL) instead of a rolled-back transaction:
use cases commit through real units of work, and server tests reach the database from
another thread or process, which a wrapping transaction could not cover.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from madang.db import Database
from madang.db.migrate import upgrade
from tests.support import pgserver

_counter = itertools.count()


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="madang-test-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_root: Path) -> Path:
    path = tmp_root / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    server = pgserver.start()
    try:
        server.psql("CREATE DATABASE madang_template")
        upgrade(server.url("madang_template"))
        yield server
    finally:
        server.stop()


def _fresh_url(kind: str, request: pytest.FixtureRequest) -> str:
    n = next(_counter)
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = template.parent / f"t{n}.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    server: pgserver.PgServer = request.getfixturevalue("pg_server")
    server.psql(f"CREATE DATABASE t{n} TEMPLATE madang_template")
    return server.url(f"t{n}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    return _fresh_url(request.param, request)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest) -> str:
    """For the few tests about SQLite itself (pragmas, the single writer)."""
    return _fresh_url("sqlite", request)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, pool_size=4)
    yield database
    await database.dispose()


@pytest.fixture(autouse=True)
def fast_passwords() -> Iterator[None]:
    """argon2id with the cheapest parameters: real hashes, a fraction of the cost."""
    from madang.accounts.passwords import use_default_hasher, use_fast_hasher_for_tests

    use_fast_hasher_for_tests()
    yield
    use_default_hasher()
