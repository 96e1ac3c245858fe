"""A SQLite database with the demo city loaded, for the tests that run a real server over it."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from madang.app import register_jobs
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.loader import load_demo


def demo_database(template: Path, folder: Path) -> tuple[str, Path]:
    """(database URL, media folder) of a fresh copy of the migrated template with the demo loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.sqlite3"
    shutil.copyfile(template, path)
    url = f"sqlite+aiosqlite:///{path}"
    media = folder / "media"

    async def load() -> None:
        register_jobs()
        db = Database(url)
        try:
            await load_demo(db, Settings(database_url=url, media_path=media))
        finally:
            await db.dispose()

    asyncio.run(load())
    return url, media
