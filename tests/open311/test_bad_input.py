"""Refusals in the spec's error format (errors/error with code and description, in XML and JSON),
with 400, 403 and 404; and nothing written when a request is refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from madang.core.clock import FrozenClock
from madang.db import Database
from tests.desk.city import clock_fixture  # noqa: F401
from tests.open311.city import make_open311_city
from tests.open311.test_requests import count_cases, post_request
from tests.support.server import running_server

pytestmark = pytest.mark.slow


def xml_error(response: httpx.Response, code: int) -> str:
    assert response.status_code == code, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    assert root.findtext("error/code") == str(code)
    return root.findtext("error/description") or ""


def json_error(response: httpx.Response, code: int) -> str:
    assert response.status_code == code, response.text
    [error] = response.json()
    assert set(error) == {"code", "description"} and error["code"] == code
    return error["description"]


async def test_refused_requests_write_nothing(db: Database, database_url: str, clock: FrozenClock) -> None:
    town = await make_open311_city(db)
    with running_server(database_url) as base:
        assert "api_key" in xml_error(post_request(base, None, "xml"), 403)
        assert "api_key" in json_error(post_request(base, None, "json"), 403)
        json_error(post_request(base, "not-a-key"), 403)
        # GeoReport v2: an unknown service_code is 404, a missing one 400.
        assert "없는 서비스" in json_error(post_request(base, town.api_key, service_code="pothole"), 404)
        xml_error(post_request(base, town.api_key, "xml", service_code="pothole"), 404)
        assert "service_code" in json_error(post_request(base, town.api_key, service_code=""), 400)
        assert "pole_number" in xml_error(
            post_request(base, town.api_key, "xml", **{"attribute[pole_number]": ""}), 400)
        assert "state" in json_error(post_request(base, town.api_key, **{"attribute[state]": "broken"}), 400)
        assert "위치" in json_error(post_request(base, town.api_key, lat="", long=""), 400)
        json_error(post_request(base, town.api_key, lat="91"), 400)
        json_error(post_request(base, town.api_key, description="가" * 4001), 400)
        json_error(post_request(base, town.api_key, media_url="javascript:alert(1)"), 400)
        json_error(post_request(base, town.api_key, email="not-an-address"), 400)
        json_error(post_request(base, town.api_key, jurisdiction_id="seoul.go.kr"), 404)
        assert await count_cases(db) == (0, 0)

        # The same key works, and stops working when revoked.
        assert post_request(base, town.api_key).status_code == 201
        assert await count_cases(db) == (1, 1)
        from madang.desk.services import revoke_api_key

        async with db.write() as s:
            await revoke_api_key(s, name="안양 민원앱")
        json_error(post_request(base, town.api_key), 403)
        assert await count_cases(db) == (1, 1)


async def test_bad_reads(db: Database, database_url: str, clock: FrozenClock) -> None:
    await make_open311_city(db)
    with running_server(database_url) as base:
        v2 = f"{base}/open311/v2"
        assert "pothole" in xml_error(httpx.get(f"{v2}/services/pothole.xml"), 404)
        json_error(httpx.get(f"{v2}/services/pothole.json"), 404)
        xml_error(httpx.get(f"{v2}/requests/123.xml"), 404)
        json_error(httpx.get(f"{v2}/requests/abc.json"), 404)
        json_error(httpx.get(f"{v2}/tokens/nope.json"), 404)
        xml_error(httpx.get(f"{v2}/services.html"), 404)
        assert "ISO 8601" in xml_error(httpx.get(f"{v2}/requests.xml", params={"start_date": "어제"}), 400)
        json_error(httpx.get(f"{v2}/requests.json", params={"end_date": "2026-13-01"}), 400)
        assert "90일" in json_error(httpx.get(f"{v2}/requests.json", params={
            "start_date": "2025-01-01T00:00:00+09:00", "end_date": "2026-01-01T00:00:00+09:00"}), 400)
        json_error(httpx.get(f"{v2}/requests.json", params={
            "start_date": "2026-03-03T00:00:00+09:00", "end_date": "2026-03-01T00:00:00+09:00"}), 400)
        json_error(httpx.get(f"{v2}/requests.json", params={"status": "pending"}), 400)
        json_error(httpx.get(f"{v2}/servicerequestupdates.json", params={"start_date": "x"}), 400)
        xml_error(httpx.get(f"{v2}/services.xml", params={"jurisdiction_id": "seoul.go.kr"}), 404)
        host = base.removeprefix("http://")
        assert httpx.get(f"{v2}/services.json", params={"jurisdiction_id": host}).status_code == 200
