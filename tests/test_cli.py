"""The `madang` command, run in-process on a SQLite file as an admin would run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from madang.cli import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MADANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("migrate")
    return run, runner


def test_accounts_are_created_verified_listed_and_given_new_passwords(cli) -> None:  # type: ignore[no-untyped-def]
    run, runner = cli
    assert "created @anyanglove" in run("accounts", "create", "anyanglove", "office@anyang.example",
                                       "--password", "first-password", "--admin")
    run("accounts", "verify", "anyanglove", "--organisation")
    listing = run("accounts", "list")
    assert "anyanglove" in listing and "organisation verified" in listing
    run("accounts", "set-password", "anyanglove", "--password", "second-password")
    missing = runner.invoke(app, ["accounts", "verify", "nobody"])
    assert missing.exit_code == 1 and "no account @nobody" in missing.output
    taken = runner.invoke(app, ["accounts", "create", "anyanglove", "x@anyang.example", "--password", "pw-12345678"])
    assert taken.exit_code != 0


def test_jobs_lists_nothing_on_a_quiet_queue(cli) -> None:  # type: ignore[no-untyped-def]
    run, _ = cli
    assert "no pending or failed jobs" in run("jobs")


def test_demo_logins_are_printed(cli) -> None:  # type: ignore[no-untyped-def]
    run, _ = cli
    out = run("demo", "logins")
    assert "anyanglove" in out and "anyanglove-demo" in out and "kim_minsu" in out
    # The city's staff, who run the desk and post as the city from their own logins.
    assert "dongwook_seo" in out and "publisher" in out and "seojin_park" in out and "approver" in out


def test_migrate_makes_the_instance_actors_key_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The server then never generates it in a request (nor loads the RSA library for it)."""
    import sqlite3

    run, _ = cli

    def keys() -> list[tuple[str]]:
        with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
            return conn.execute("SELECT public_pem FROM actor_keys WHERE account_id IS NULL").fetchall()

    first = keys()
    assert len(first) == 1 and first[0][0].startswith("-----BEGIN PUBLIC KEY-----")
    run("migrate")
    assert keys() == first
