"""`madang migrate --check` as a deploy script uses it: what it prints, its exit codes, and that it
changes nothing (the behind and up-to-date cases also run in test_every_revision on both
databases)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from madang.cli import app
from madang.db.migrate import upgrade
from tests.ops.upgrades.test_every_revision import revisions


@pytest.fixture
def sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "check.sqlite3"
    monkeypatch.setenv("MADANG_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("MADANG_SECRET_KEY", "check-test-key-0123456789abcdefgh")
    return path


def test_an_empty_database_lists_every_migration_and_is_not_created(sqlite_file: Path) -> None:
    result = CliRunner().invoke(app, ["migrate", "--check"])
    assert result.exit_code == 1, result.output
    chain = revisions()
    assert "database revision: none (empty database)" in result.output
    assert f"newest revision:   {chain[-1]}" in result.output
    assert f"{len(chain)} migration(s) to run" in result.output
    assert "would run 0001  core tables" in result.output
    assert not sqlite_file.exists()


def test_a_database_from_a_newer_madang_is_refused_by_check_and_by_migrate(sqlite_file: Path) -> None:
    upgrade(f"sqlite+aiosqlite:///{sqlite_file}")
    with sqlite3.connect(sqlite_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for args in (["migrate", "--check"], ["migrate"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "revision 9999" in result.output and "newer madang" in result.output
    with sqlite3.connect(sqlite_file) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]
