"""Instances for the backup tests: a database URL, a media folder and a secret key file, fresh
and empty (SQLite file absent or migrated, PostgreSQL database absent or migrated), the `madang`
command run against one, and what an instance holds, read back for comparison."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

_n = itertools.count()
MADANG = str(Path(sys.executable).with_name("madang"))


@dataclass
class Inst:
    url: str
    folder: Path

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def secret_key(self) -> Path:
        return self.folder / "secret_key"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MADANG_")}
        return {**env, "MADANG_DATABASE_URL": self.url, "MADANG_MEDIA_PATH": str(self.media),
                "MADANG_SECRET_KEY_FILE": str(self.secret_key), "COLUMNS": "200", **extra}

    def madang(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([MADANG, *args], env=self.env(), capture_output=True, text=True, timeout=timeout,
                              cwd=self.folder)


def fresh(kind: str, request: pytest.FixtureRequest, root: Path, *, migrated: bool) -> Inst:
    """An empty instance: migrated (a copy of the suite's template) or with no database at all."""
    n = next(_n)
    folder = root / f"inst{n}"
    folder.mkdir(parents=True)
    if kind == "sqlite":
        path = folder / "madang.sqlite3"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return Inst(f"sqlite+aiosqlite:///{path}", folder)
    server = request.getfixturevalue("pg_server")
    name = f"backup{n}"
    if migrated:
        server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
    return Inst(server.url(name), folder)


async def _table_rows(url: str) -> dict[str, list[tuple]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: inspect(c).get_table_names())
            return {name: sorted((tuple(r) for r in (await conn.execute(text(f'SELECT * FROM "{name}"'))).all()),
                                 key=repr)
                    for name in sorted(names)}
    finally:
        await engine.dispose()


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (alembic_version included), sorted."""
    return asyncio.run(_table_rows(url))


async def _dangling(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    found: dict[str, int] = {}
    try:
        async with engine.connect() as conn:
            def fks(c):  # type: ignore[no-untyped-def]
                insp = inspect(c)
                return [(t, fk) for t in insp.get_table_names() for fk in insp.get_foreign_keys(t)]

            for table, fk in await conn.run_sync(fks):
                cols, parent, pcols = fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]
                present = " AND ".join(f'c."{c}" IS NOT NULL' for c in cols)
                match = " AND ".join(f'p."{p}" = c."{c}"' for c, p in zip(cols, pcols, strict=True))
                n = (await conn.execute(text(f'SELECT count(*) FROM "{table}" c WHERE {present} AND NOT EXISTS '
                                             f'(SELECT 1 FROM "{parent}" p WHERE {match})'))).scalar_one()
                if n:
                    found[f"{table}.{','.join(cols)} -> {parent}"] = n
    finally:
        await engine.dispose()
    return found


def dangling_foreign_keys(url: str) -> dict[str, int]:
    return asyncio.run(_dangling(url))


def media_sums(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
