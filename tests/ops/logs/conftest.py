"""A migrated SQLite database with the demo city in it, made once for these tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_root: Path) -> Path:
    path = tmp_root / "logs-demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{path}",
           "MADANG_MEDIA_PATH": str(tmp_root / "logs-demo-media"), "MADANG_SECRET_KEY": "serve-process-test-key-0123456789"}
    madang = str(Path(sys.executable).with_name("madang"))
    done = subprocess.run([madang, "demo", "load"], env=env, capture_output=True, timeout=300, cwd=tmp_root)
    assert done.returncode == 0, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    return path
