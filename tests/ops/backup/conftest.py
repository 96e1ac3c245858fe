"""A demo city per database kind (loaded once per test session), with extra media files, and its
archive made by `madang backup --out` (the real command)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.backup.instances import Inst, fresh


async def _load_demo(inst: Inst) -> None:
    from madang.app import register_jobs
    from madang.core.settings import Settings
    from madang.db import Database
    from madang.demo.loader import load_demo

    register_jobs()
    settings = Settings(database_url=inst.url, media_path=inst.media, secret_key_file=inst.secret_key)
    db = Database(inst.url)
    try:
        await load_demo(db, settings)
    finally:
        await db.dispose()


def add_media(folder: Path, count: int = 24) -> None:
    """Files of every shape the media folder holds: fan-out folders, avatars, emoji, odd sizes."""
    for n in range(count):
        sub = folder / ("emoji" if n % 3 == 0 else f"{n:02x}") / f"{n:02x}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"extra{n}.png").write_bytes(os.urandom(n * 977 + 1))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest, tmp_root: Path) -> Iterator[Inst]:
    from madang.accounts.passwords import use_default_hasher, use_fast_hasher_for_tests

    inst = fresh(request.param, request, tmp_root / "backup-demo", migrated=True)
    use_fast_hasher_for_tests()
    try:
        asyncio.run(_load_demo(inst))
    finally:
        use_default_hasher()
    add_media(inst.media)
    yield inst


@pytest.fixture(scope="session")
def archive(demo: Inst) -> Path:
    path = demo.folder / "demo-backup.tar"
    done = demo.madang("backup", "--out", str(path))
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and "database" in done.stderr  # the result, and progress on standard error
    return path
