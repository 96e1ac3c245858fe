"""An Open311 app (the PyPI `georeport` client, and plain form posts for what it cannot send)
against a real server: services, a request that becomes a desk case, reading it back masked,
and its status and public answer once staff answer it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import httpx
import pytest
from georeport import GeoReport
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.desk.answers import answer_case
from madang.desk.transitions import assign_case
from madang.models import Job
from madang.models.desk import Case
from madang.models.open311 import ServiceRequest
from tests.desk.city import SITE, clock_fixture  # noqa: F401
from tests.open311.city import make_open311_city
from tests.support.server import running_server

pytestmark = pytest.mark.slow
DESCRIPTION = "안양역 앞 가로등이 꺼졌어요. 연락은 010-1234-5678로 주세요"


def post_request(base: str, key: str | None, fmt: str = "json", **fields: str) -> httpx.Response:
    data = {"service_code": "streetlight", "lat": "37.4016", "long": "126.9228", "description": DESCRIPTION,
            "email": "minji@example.test", "first_name": "민지", "last_name": "김", "phone": "010-9876-5432",
            "attribute[pole_number]": "안양-1234", "attribute[state]": "off", **fields}
    if key is not None:
        data["api_key"] = key
    return httpx.post(f"{base}/open311/v2/requests.{fmt}", data=data)


async def count_cases(db: Database) -> tuple[int, int]:
    async with db.read() as s:
        return (await s.scalar(select(func.count()).select_from(Case)),
                await s.scalar(select(func.count()).select_from(ServiceRequest)))


def no_requester(text: str) -> None:
    for secret in ("minji@example.test", "9876", "민지", "1234-5678"):
        assert secret not in text


async def test_services_and_their_definitions(db: Database, database_url: str, clock: FrozenClock) -> None:
    await make_open311_city(db)
    with running_server(database_url) as base:
        client = GeoReport(f"{base}/open311/v2")
        services = client.get_service_list()
        assert [(s["service_code"], s["service_name"], s["metadata"], s["group"]) for s in services] == [
            ("streetlight", "가로등 고장", True, "도로"), ("welfare_question", "복지 문의", False, "복지")]
        definition = client.get_service_definition("streetlight")
        assert definition["service_code"] == "streetlight"
        assert [(a["code"], a["datatype"], a["required"]) for a in definition["attributes"]] == [
            ("pole_number", "string", True), ("state", "singlevaluelist", False)]
        assert definition["attributes"][1]["values"] == [{"key": "off", "name": "꺼짐"},
                                                         {"key": "flicker", "name": "깜빡임"}]

        xml_client = GeoReport(f"{base}/open311/v2", output_format="xml")
        assert [s["service_code"] for s in xml_client.get_service_list()] == ["streetlight", "welfare_question"]
        root = ET.fromstring(httpx.get(f"{base}/open311/v2/services/streetlight.xml").content)
        assert root.tag == "service_definition"
        attribute = root.find("attributes/attribute")
        assert [child.tag for child in attribute] == [
            "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
        assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == ["off", "flicker"]
        discovery = ET.fromstring(httpx.get(f"{base}/open311/v2/discovery.xml").content)
        assert discovery.tag == "discovery"
        assert discovery.findtext("endpoints/endpoint/url") == f"{base}/open311/v2"
        assert [f.text for f in discovery.findall("endpoints/endpoint/formats/format")] == [
            "text/xml", "application/json"]
        assert httpx.get(f"{base}/open311/v2/discovery.json").json()["endpoints"][0]["type"] == "production"


async def test_a_request_becomes_a_case_and_is_read_back_masked(
    db: Database, database_url: str, clock: FrozenClock,
) -> None:
    town = await make_open311_city(db)
    city = town.city
    with running_server(database_url) as base:
        created = post_request(base, town.api_key)
        assert created.status_code == 201, created.text
        [answer] = created.json()
        # The id, and so no token (GeoReport v2: a token "should not be returned" with the id).
        assert set(answer) == {"service_request_id", "service_notice", "account_id"}
        request_id = answer["service_request_id"]
        assert answer["service_notice"] == "교통과에서 확인 후 수리합니다"

        async with db.read() as s:
            case = await s.get(Case, int(request_id))
            row = await s.get(ServiceRequest, int(request_id))
        assert (case.channel, case.category, case.department_id, case.status) == (
            "open311", "streetlight", city.transport.id, "received")
        assert case.description == DESCRIPTION  # the desk keeps the original; only public answers mask
        assert (case.guest_name, case.guest_email, case.guest_phone) == ("김 민지", "minji@example.test",
                                                                         "010-9876-5432")
        assert row.attribute_values == {"pole_number": "안양-1234", "state": "off"}
        async with db.read() as s:
            mails = list(await s.scalars(select(Job.payload).where(Job.name == "mail.send")))
        # The requester is a guest of the desk: the receipt (and later the answer) goes by e-mail.
        assert [(m["to"], "2026-000001" in m["subject"]) for m in mails] == [("minji@example.test", True)]

        client = GeoReport(f"{base}/open311/v2")
        shown = client.get_service_request(request_id)
        assert shown["service_request_id"] == request_id and shown["status"] == "open"
        assert shown["description"] == "안양역 앞 가로등이 꺼졌어요. 연락은 010-****-5678로 주세요"
        assert shown["agency_responsible"] == "교통" and shown["service_code"] == "streetlight"
        assert shown["requested_datetime"] == "2026-03-03T10:00:00+09:00"
        assert datetime.fromisoformat(shown["expected_datetime"]) == case.due_at
        assert shown["expected_datetime"].endswith("+09:00")
        assert (shown["lat"], shown["long"], shown["status_notes"]) == (37.4016, 126.9228, None)

        xml = httpx.get(f"{base}/open311/v2/requests/{request_id}.xml")
        root = ET.fromstring(xml.content)
        assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
        assert root.findtext("request/description") == shown["description"]
        assert root.findtext("request/status") == "open"
        no_requester(xml.text)
        no_requester(httpx.get(f"{base}/open311/v2/requests/{request_id}.json").text)

        # A client that holds only a token (given out before the id was) still finds the id.
        async with db.read() as s:
            token = (await s.get(ServiceRequest, int(request_id))).token
        by_token = httpx.get(f"{base}/open311/v2/tokens/{token}.json").json()
        assert by_token == [{"service_request_id": request_id, "token": token}]
        token_xml = ET.fromstring(httpx.get(f"{base}/open311/v2/tokens/{token}.xml").content)
        assert token_xml.findtext("request/service_request_id") == request_id

        second = post_request(base, town.api_key, service_code="welfare_question", description="기초연금 문의",
                              **{"attribute[pole_number]": "", "attribute[state]": ""})
        assert second.status_code == 400  # attributes the service does not define are refused
        second = httpx.post(f"{base}/open311/v2/requests.xml", data={
            "api_key": town.api_key, "service_code": "welfare_question", "address_string": "만안구청",
            "description": "기초연금 신청은 어디서 하나요?"})
        assert second.status_code == 201
        created_xml = ET.fromstring(second.content)
        assert created_xml.findtext("request/service_request_id", "").isdigit()
        assert created_xml.find("request/token") is None
        second_id = ET.fromstring(second.content).findtext("request/service_request_id")

        assert [r["service_request_id"] for r in client.get_service_requests()] == [second_id, request_id]
        assert [r["service_request_id"] for r in client.get_service_requests(service_code="streetlight")] == [
            request_id]
        assert [r["service_request_id"] for r in client.get_service_requests(
            service_request_id=f"{request_id},{second_id}")] == [second_id, request_id]
        assert client.get_service_requests(status="closed") == []
        assert client.get_service_requests(start_date="2026-03-04T00:00:00+09:00",
                                           end_date="2026-03-05T00:00:00+09:00") == []
        listed = ET.fromstring(httpx.get(f"{base}/open311/v2/requests.xml").content)
        assert [r.findtext("service_request_id") for r in listed.findall("request")] == [second_id, request_id]

        # Staff answer the case through the desk: the request is closed, the answer its status_notes.
        clock.advance(seconds=3600)
        async with db.write() as s:
            await assign_case(s, organisation=city.org, case_id=int(request_id), staff=city.triager,
                              assignee=city.officer)
            await answer_case(s, site=SITE, organisation=city.org, case_id=int(request_id), staff=city.officer,
                              text="가로등을 고쳤습니다. 다시 꺼지면 010-5555-6666 담당자에게 알려 주세요.")
        closed = client.get_service_request(request_id)
        assert closed["status"] == "closed"
        assert closed["status_notes"] == "가로등을 고쳤습니다. 다시 꺼지면 010-****-6666 담당자에게 알려 주세요."
        assert closed["updated_datetime"] == "2026-03-03T11:00:00+09:00"
        assert [r["service_request_id"] for r in client.get_service_requests(status="closed")] == [request_id]
        assert [r["service_request_id"] for r in client.get_service_requests(status="open")] == [second_id]

        updates = httpx.get(f"{base}/open311/v2/servicerequestupdates.json",
                            params={"start_date": "2026-03-03T00:00:00+09:00"}).json()
        mine = [(u["status"], u["description"]) for u in updates if u["service_request_id"] == request_id]
        assert mine == [("open", "접수되었습니다"), ("investigating", "담당자가 배정되었습니다"),
                        ("closed", closed["status_notes"])]
        updates_xml = ET.fromstring(httpx.get(f"{base}/open311/v2/servicerequestupdates.xml").content)
        assert updates_xml.tag == "service_request_updates"
        assert {u.findtext("service_request_id") for u in updates_xml.findall("request_update")} == {
            request_id, second_id}
        no_requester(httpx.get(f"{base}/open311/v2/requests.json").text)


async def test_list_number_and_datetime_attributes(db: Database, database_url: str, clock: FrozenClock) -> None:
    from madang.desk.services import add_service
    from madang.demo.open311 import SERVICES

    town = await make_open311_city(db)
    [parking] = [s for s in SERVICES if s[0] == "illegal_parking"]
    async with db.write() as s:
        await add_service(s, organisation=town.city.org, service_code="illegal_parking", name="불법 주정차",
                          department=town.city.transport, attributes=parking[6])
    fields = {"api_key": town.api_key, "service_code": "illegal_parking", "address_string": "평촌대로 223",
              "description": "소화전 앞에 12가3456 차량이 계속 서 있어요", "attribute[car_plate]": "12가3456",
              "attribute[seen_at]": "2026-03-03T09:30:00+09:00"}
    with running_server(database_url) as base:
        url = f"{base}/open311/v2/requests.json"
        bad = httpx.post(url, data={**fields, "attribute[seen_at]": "아침"})
        assert bad.status_code == 400 and "seen_at" in bad.json()[0]["description"]
        bad = httpx.post(url, data={**fields, "attribute[place_kind][]": ["hydrant", "rooftop"]})
        assert bad.status_code == 400 and "place_kind" in bad.json()[0]["description"]
        assert await count_cases(db) == (0, 0)
        created = httpx.post(url, data={**fields, "attribute[place_kind][]": ["hydrant", "crosswalk"]})
        assert created.status_code == 201, created.text
        request_id = created.json()[0]["service_request_id"]
        shown = httpx.get(f"{base}/open311/v2/requests/{request_id}.json").json()[0]
    assert shown["description"] == "소화전 앞에 12가**** 차량이 계속 서 있어요"
    assert shown["address"] == "평촌대로 223" and shown["lat"] is None
    async with db.read() as s:
        row = await s.get(ServiceRequest, int(request_id))
    assert row.attribute_values == {"car_plate": "12가3456", "seen_at": "2026-03-03T09:30:00+09:00",
                                    "place_kind": ["hydrant", "crosswalk"]}
