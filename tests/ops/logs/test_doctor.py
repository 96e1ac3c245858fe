"""`madang doctor` as an operator runs it, on SQLite and PostgreSQL: a good configuration passes
(exit 0), a broken one fails (exit 1) with each fault named and its fix (docs/ops/logging.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from madang.db import Database
from madang.ops.doctor import FAIL, OK, WARN, disk_verdict, is_local_host
from tests.mail.smtp import smtp_server
from tests.support.pgserver import free_port

KEY = "doctor-test-key-Vq3x9LmP2sT7wZ4rK8nB5cD1"
GOOD = {"MADANG_DOMAIN": "madang.anyang.go.kr", "MADANG_SCHEME": "https", "MADANG_CONTACT_EMAIL": "ops@anyang.go.kr",
        "MADANG_SECRET_KEY": KEY}
LINE = re.compile(r"^(OK|WARN|FAIL)\s+(.+?)\s{2,}(.*)$")


def doctor(folder: Path, **env: str) -> tuple[int, dict[str, tuple[str, str]], str]:
    """Exit status, {check: (status, detail)} and the whole output."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MADANG_")}
    environment.update(env)
    madang = str(Path(sys.executable).with_name("madang"))
    done = subprocess.run([madang, "doctor"], env=environment, capture_output=True, text=True, timeout=120, cwd=folder)
    checks = {}
    for line in done.stdout.splitlines():
        m = LINE.match(line)
        if m:
            checks[m[2].strip()] = (m[1], m[3])
    return done.returncode, checks, done.stdout + done.stderr


def test_a_good_configuration_passes(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    with smtp_server() as (smtp_url, _):
        status, checks, output = doctor(tmp_path, MADANG_DATABASE_URL=database_url, MADANG_SMTP_URL=smtp_url,
                                        MADANG_MEDIA_PATH=str(tmp_path / "media"), **GOOD)
    assert status == 0, output
    assert not [name for name, (state, _) in checks.items() if state == FAIL], output
    for name in ("secret key", "domain", "scheme", "smtp", "media path", "database", "migrations", "clock",
                 "demo logins"):
        assert checks[name][0] == OK, output
    assert any(name.startswith("disk (") for name in checks)
    if "postgresql" in database_url:
        assert "PostgreSQL" in checks["database"][1] and "database server's clock" in checks["clock"][1]
    else:
        assert "SQLite" in checks["database"][1]
    assert KEY not in output
    assert not list((tmp_path / "media").iterdir())  # the probe file is gone


async def test_a_broken_configuration_fails_with_what_to_fix(database_url: str, tmp_path: Path) -> None:
    # The database one migration behind this version.
    db = Database(database_url, pool_size=1)
    async with db.write() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '0043'"))
    await db.dispose()
    (tmp_path / "not-a-folder").write_text("a file where the media folder should be")
    status, checks, output = doctor(
        tmp_path, MADANG_DATABASE_URL=database_url, MADANG_MEDIA_PATH=str(tmp_path / "not-a-folder"),
        MADANG_SMTP_URL=f"smtp://127.0.0.1:{free_port()}", MADANG_DOMAIN="https://madang.anyang.go.kr/",
        MADANG_SCHEME="https", MADANG_SECRET_KEY=KEY)
    assert status == 1, output
    assert checks["migrations"][0] == FAIL and "0043" in checks["migrations"][1]
    assert "madang migrate" in output
    assert checks["smtp"][0] == FAIL and checks["media path"][0] == FAIL and checks["domain"][0] == FAIL
    assert checks["contact e-mail"][0] == WARN and checks["database"][0] == OK


def test_an_unreachable_database_and_a_bad_setting(tmp_path: Path, pg_server) -> None:  # type: ignore[no-untyped-def]
    closed = pg_server.url("madang_template").replace(f":{pg_server.port}/", f":{free_port()}/")
    status, checks, output = doctor(tmp_path, MADANG_DATABASE_URL=closed, **GOOD)
    assert status == 1 and checks["database"][0] == FAIL and "cannot reach PostgreSQL" in output, output
    assert "postgresql+asyncpg://postgres@" not in output  # the URL without its user (or password)
    missing = f"sqlite+aiosqlite:///{tmp_path / 'nowhere' / 'madang.sqlite3'}"
    status, checks, output = doctor(tmp_path, MADANG_DATABASE_URL=missing, **GOOD)
    assert status == 1 and checks["database"] == (FAIL, f"no database file at {tmp_path / 'nowhere' / 'madang.sqlite3'}")
    assert not (tmp_path / "nowhere").exists()  # the doctor makes nothing
    status, checks, output = doctor(tmp_path, MADANG_DATABASE_URL=missing, MADANG_SECRET_KEY="change-me-in-production")
    assert status == 1 and checks["settings"][0] == FAIL and "published default" in output


def test_a_live_instance_with_the_demo_passwords_fails(demo_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, database)
    status, checks, output = doctor(tmp_path, MADANG_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
                                    MADANG_MEDIA_PATH=str(tmp_path / "media"), **GOOD)
    assert status == 1 and checks["demo logins"][0] == FAIL and "set-password" in output, output


def test_the_verdicts() -> None:
    gb = 1024**3
    assert disk_verdict("disk", Path("/"), 100 * gb, 200 * gb).status == OK
    assert disk_verdict("disk", Path("/"), 15 * gb, 200 * gb).status == WARN  # 7.5 %
    assert disk_verdict("disk", Path("/"), 1 * gb, 8 * gb).status == WARN  # under 2 GB
    assert disk_verdict("disk", Path("/"), 100 * 1024**2, 8 * gb).status == FAIL
    assert disk_verdict("disk", Path("/"), 3 * gb, 1000 * gb).status == FAIL  # 0.3 %
    for local in ("localhost", "localhost:8000", "127.0.0.1:8000", "192.168.0.10", "[::1]:8000", "madang.localhost"):
        assert is_local_host(local), local
    for public in ("madang.anyang.go.kr", "madang.anyang.go.kr:8443", "211.234.10.1"):
        assert not is_local_host(public), public
