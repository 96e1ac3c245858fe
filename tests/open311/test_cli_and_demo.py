"""`madang open311 keys …` as an admin runs it, and the demo city's services."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from madang.app import register_jobs
from madang.cli import app
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.loader import load_demo
from madang.desk.services import find_valid_api_key, list_services
from tests.support.server import running_server


def test_keys_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MADANG_DATABASE_URL", url)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("migrate")
    key = run("open311", "keys", "create", "안양 민원앱").strip().splitlines()[-1]
    assert len(key) >= 40 and " " not in key
    assert "이미 있습니다" in run("open311", "keys", "create", "안양 민원앱", code=1)
    listing = run("open311", "keys", "list")
    assert "안양 민원앱" in listing and key not in listing

    import asyncio

    async def valid() -> bool:
        db = Database(url)
        try:
            async with db.read() as s:
                return await find_valid_api_key(s, key) is not None
        finally:
            await db.dispose()

    assert asyncio.run(valid())
    run("open311", "keys", "revoke", "안양 민원앱")
    assert not asyncio.run(valid())
    assert "없습니다" in run("open311", "keys", "revoke", "없는 키", code=1)


@pytest.mark.slow
async def test_the_demo_city_has_services_with_attributes(db: Database, database_url: str) -> None:
    register_jobs()
    await load_demo(db, Settings())
    async with db.read() as s:
        services = {svc.service_code: svc for svc in await list_services(s)}
    assert {"streetlight", "illegal_parking", "illegal_dumping", "road_damage"} <= set(services)
    assert services["illegal_parking"].name == "불법 주정차" and services["illegal_parking"].metadata_flag
    assert not services["illegal_dumping"].metadata_flag
    with running_server(database_url) as base:
        definition = httpx.get(f"{base}/open311/v2/services/illegal_parking.json").json()
        listed = httpx.get(f"{base}/open311/v2/services.json").json()
    assert [(a["code"], a["datatype"], a["required"]) for a in definition["attributes"]] == [
        ("car_plate", "string", True), ("seen_at", "datetime", True), ("place_kind", "multivaluelist", False)]
    assert {s["service_name"] for s in listed} >= {"가로등 고장", "불법 주정차", "쓰레기 무단투기", "도로 파손"}
