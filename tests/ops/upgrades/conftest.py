"""An empty database on SQLite and on PostgreSQL (the suite's server), for migrations to build."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

_numbers = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'upgraded.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    name = f"upgraded_{next(_numbers)}_{os.getpid()}"
    server.psql(f"CREATE DATABASE {name}")
    return server.url(name)
