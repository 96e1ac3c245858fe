"""`madang desk …` run in-process on a SQLite file, as an admin would."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from madang.cli import app


def test_departments_staff_and_closures_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("migrate")
    run("accounts", "create", "anyanglove", "office@anyang.example", "--password", "city-password", "--organisation")
    run("accounts", "create", "kim_officer", "kim@anyang.example", "--password", "kim-password")
    run("desk", "departments", "add", "anyanglove", "transport", "교통")
    run("desk", "departments", "add", "anyanglove", "welfare", "복지")
    listing = run("desk", "departments", "list", "anyanglove")
    assert listing.index("transport") < listing.index("welfare") and "교통" in listing
    assert "이미 있습니다" in run("desk", "departments", "add", "anyanglove", "transport", "교통2", code=1)
    assert "기관 계정이 아닙니다" in run("desk", "departments", "add", "kim_officer", "x", "엑스", code=1)

    assert "부서가 필요합니다" in run("desk", "staff", "add", "anyanglove", "kim_officer", "--role", "officer", code=1)
    assert "없습니다" in run("desk", "staff", "add", "anyanglove", "kim_officer", "--role", "officer",
                          "--department", "nowhere", code=1)
    run("desk", "staff", "add", "anyanglove", "kim_officer", "--role", "officer", "--department", "transport")
    staff = run("desk", "staff", "list", "anyanglove")
    assert "kim_officer" in staff and "officer" in staff and "transport" in staff

    run("desk", "closures", "add", "2026-05-01", "근로자의 날")
    assert "이미 휴무일" in run("desk", "closures", "add", "2026-05-01", "근로자의 날", code=1)
    assert "YYYY-MM-DD" in run("desk", "closures", "add", "5월 1일", "근로자의 날", code=1)


def test_published_contacts_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("migrate")
    run("accounts", "create", "anyanglove", "office@anyang.example", "--password", "city-password", "--organisation")
    run("desk", "departments", "add", "anyanglove", "transport", "교통")
    run("desk", "contacts", "add", "anyanglove", "031-8045-0000")
    run("desk", "contacts", "add", "anyanglove", "031-8045-2331", "--department", "transport")
    assert "이메일 주소 하나" in run("desk", "contacts", "add", "anyanglove", "시청 대표", code=1)
    assert "없습니다" in run("desk", "contacts", "add", "anyanglove", "031-8045-1111", "--department", "x", code=1)
    listing = run("desk", "contacts", "list", "anyanglove")
    assert "031-8045-0000" in listing and "031-8045-2331" in listing and "transport" in listing
