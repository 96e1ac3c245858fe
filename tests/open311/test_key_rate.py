"""One Open311 API key posts so many service requests per five minutes; the next is refused
with 429 in the spec's error format, and the key may post again once the window has moved."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.desk import open311_throttle
from madang.models.open311 import ServiceRequest
from tests.desk.city import clock_fixture  # noqa: F401
from tests.open311.city import make_open311_city
from tests.support.server import running_server


async def test_a_key_is_held_back_after_its_share_and_let_go_after_the_window(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(open311_throttle, "PER_KEY", 3)  # the share, small enough for a test
    made = await make_open311_city(db)
    form = {"api_key": made.api_key, "service_code": "welfare_question", "description": "복지 문의",
            "address_string": "안양시청 앞"}
    with running_server(db.url, media_path=tmp_path / "m") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(3):
                assert (await http.post("/open311/v2/requests.json", data=form)).status_code == 201
            refused = await http.post("/open311/v2/requests.json", data=form)
            assert refused.status_code == 429
            assert refused.json()[0]["code"] == 429 and "api_key" in refused.json()[0]["description"]
            clock.advance(minutes=5, seconds=1)
            assert (await http.post("/open311/v2/requests.json", data=form)).status_code == 201
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(ServiceRequest)) == 4
