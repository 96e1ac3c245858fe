"""`madang desk staff … --office-role`, `desk staff office-role` and `desk approval`, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from madang.cli import app


def test_office_roles_and_approval_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("migrate")
    run("accounts", "create", "anyanglove", "office@anyang.example", "--password", "city-password", "--organisation")
    run("accounts", "create", "seo", "seo@anyang.example", "--password", "seo-password")
    run("accounts", "create", "park", "park@anyang.example", "--password", "park-password")
    run("desk", "staff", "add", "anyanglove", "seo", "--role", "read_only", "--office-role", "publisher")
    assert "홍보 역할은" in run("desk", "staff", "add", "anyanglove", "park", "--role", "read_only",
                             "--office-role", "boss", code=1)
    assert "먼저 직원으로" in run("desk", "staff", "office-role", "anyanglove", "park", "--office-role", "approver",
                              code=1)
    run("desk", "staff", "add", "anyanglove", "park", "--role", "read_only")
    run("desk", "staff", "office-role", "anyanglove", "park", "--office-role", "approver")
    listing = run("desk", "staff", "list", "anyanglove")
    assert "publisher" in listing and "approver" in listing
    assert "approval on" in run("desk", "approval", "anyanglove", "--on")
