"""The instance's secret key: never the published default, made once and shared by processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from madang.core.secret_keys import load_or_create_secret_key
from madang.core.settings import Settings

PUBLISHED = "change-me-in-production"


def test_the_published_default_is_refused_when_set() -> None:
    with pytest.raises(ValidationError, match="published default"):
        Settings(secret_key=PUBLISHED)
    with pytest.raises(ValidationError, match="at least 16"):
        Settings(secret_key="short")


def test_without_a_key_one_is_made_beside_the_sqlite_file_and_kept(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'madang.sqlite3'}"
    first = Settings(database_url=url)
    key_file = tmp_path / "data" / "secret_key"
    assert first.secret_key != PUBLISHED and len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings(database_url=url).secret_key == first.secret_key  # the next start reads it back
    assert first.secret_key not in repr(first)
    other = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    assert other.secret_key != first.secret_key


def test_a_postgresql_deployment_keeps_it_in_the_named_file(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "madang.key"
    settings = Settings(database_url="postgresql+asyncpg://db/madang", secret_key_file=key_file)
    assert key_file.read_text().strip() == settings.secret_key


def test_a_key_file_holding_the_published_default_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(PUBLISHED + "\n")
    with pytest.raises(ValidationError, match="published default"):
        Settings(secret_key_file=key_file)


def test_processes_started_together_agree_on_one_key(tmp_path: Path) -> None:
    """As ``serve --workers 8`` starts eight processes that each read the settings."""
    key_file = tmp_path / "secret_key"
    code = ("import sys; from pathlib import Path; from madang.core.secret_keys import load_or_create_secret_key;"
            "print(load_or_create_secret_key(Path(sys.argv[1])))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(key_file)], stdout=subprocess.PIPE, text=True)
             for _ in range(8)]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and keys == {key_file.read_text().strip()}
    assert [p for p in os.listdir(tmp_path)] == ["secret_key"]  # no temporary file left behind
    assert load_or_create_secret_key(key_file) == keys.pop()


def test_the_command_refuses_to_start_on_the_published_default(tmp_path: Path) -> None:
    madang = Path(sys.executable).with_name("madang")
    env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}",
           "MADANG_SECRET_KEY": PUBLISHED}
    done = subprocess.run([str(madang), "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "published default" in done.stdout
    assert not (tmp_path / "m.sqlite3").exists()
    env.pop("MADANG_SECRET_KEY")
    done = subprocess.run([str(madang), "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
