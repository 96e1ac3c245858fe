"""`madang records export` and `verify` run in-process on a SQLite file, as an office would."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from madang.cli import app
from madang.db import Database
from madang.statuses.edit import edit_status
from tests.desk.city import SITE, make_city
from tests.factories import make_status


async def _seed(url: str) -> None:
    db = Database(url)
    try:
        city = await make_city(db)
        async with db.write() as s:
            post = await make_status(s, city.org, "안양 시정 소식 #안양")
            await edit_status(s, site=SITE, editor=city.org, status=post, text="안양 시정 소식(수정) #안양")
            await make_status(s, city.org, "@minsu 안내드립니다", visibility="direct")
    finally:
        await db.dispose()


def test_export_with_a_progress_bar_then_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MADANG_DATABASE_URL", url)
    monkeypatch.setenv("MADANG_MEDIA_PATH", str(tmp_path / "media"))
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("migrate")
    asyncio.run(_seed(url))
    out = tmp_path / "records.zip"
    common = ("--organisation", "anyanglove", "--from", "2020-01-01", "--to", "2099-12-31", "--out", str(out))
    shown = run("records", "export", "--account", "anyanglove", "--as", "desk_admin", *common)
    assert "posts 2" in shown and "revisions 3" in shown and "manifest sha256" in shown
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["counts"]["posts"] == 2
    assert "OK" in run("records", "verify", str(out))

    # A triager may not export; nothing is left behind.
    refused = tmp_path / "refused.zip"
    assert "역할로는" in run("records", "export", "--tag", "안양", "--as", "desk_triager", "--organisation",
                          "anyanglove", "--from", "2020-01-01", "--to", "2099-12-31", "--out", str(refused), code=1)
    assert not refused.exists() and not (tmp_path / "refused.zip.part").exists()
    assert run("records", "export", "--tag", "안양", "--case", "2026-000001", "--as", "desk_admin", *common, code=2)
    assert run("records", "export", "--tag", "안양", "--as", "desk_admin", "--organisation", "anyanglove",
               "--from", "어제", "--to", "2099-12-31", "--out", str(out), code=2)

    # One changed byte inside posts.jsonl (rewritten as a valid ZIP): verify says so and exits 1.
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, data.replace("수정".encode(), "변조".encode()) if info.filename ==
                            "posts.jsonl" else data)
    assert "posts.jsonl" in run("records", "verify", str(forged), code=1)
