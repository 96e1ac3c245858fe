"""Office admins edit their Open311 services: add, edit, retire and restore, reorder. Each change
is checked whole first; a refused one names its field and writes nothing; a retired service leaves
Open311's list while its requests and cases keep it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.db import Database
from madang.desk.open311_requests import create_request, get_request
from madang.desk.organisations import add_department
from madang.desk.service_admin import (
    create_service, list_org_services, move_service, set_service_active, update_service, values_from_lines,
)
from madang.desk.services import create_api_key, find_service, list_services
from madang.models.desk import Case
from madang.models.open311 import Service
from tests.desk.city import City, make_city
from tests.factories import SITE, make_account

STATE = {"code": "state", "datatype": "singlevaluelist", "required": True, "description": "상태",
         "values": "off=꺼짐\nflicker = 깜빡임\n\n"}


async def _add(db: Database, city: City, **fields: Any) -> Service:
    async with db.write() as s:
        return await create_service(s, organisation=city.org, staff=city.admin, **{
            "service_code": "streetlight", "name": "가로등 고장", "department_id": city.transport.id,
            "attributes": [STATE], **fields})


async def _rows(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as s:
        return [(r.service_code, r.name, r.description, r.department_id, r.keywords, r.group, r.notice,
                 r.attributes, r.position, r.active) for r in await s.scalars(select(Service).order_by(Service.id))]


async def test_an_admin_adds_a_service_with_a_list_attribute(db: Database) -> None:
    city = await make_city(db)
    added = await _add(db, city, keywords="가로등, 조명 ,,", group="도로", notice="교통과에서 수리합니다")
    assert added.metadata_flag and added.active
    async with db.read() as s:
        [listed] = await list_services(s)
        assert (listed.service_code, listed.name, listed.keywords, listed.group) == (
            "streetlight", "가로등 고장", "가로등,조명", "도로")
        assert listed.attributes == [{
            "code": "state", "datatype": "singlevaluelist", "required": True, "description": "상태",
            "datatype_description": "", "order": 1,
            "values": [{"key": "off", "name": "꺼짐"}, {"key": "flicker", "name": "깜빡임"}]}]
        assert [x.service_code for x in await list_org_services(s, organisation=city.org, staff=city.admin)] == [
            "streetlight"]


async def test_only_office_admins_change_services(db: Database) -> None:
    city = await make_city(db)
    await _add(db, city)
    before = await _rows(db)
    for who in (city.triager, city.officer, city.reader, city.outsider):
        async with db.write() as s:
            with pytest.raises(Forbidden):
                await create_service(s, organisation=city.org, staff=who, service_code="other", name="기타")
            with pytest.raises(Forbidden):
                await update_service(s, organisation=city.org, staff=who, service_code="streetlight", name="바꿈")
            with pytest.raises(Forbidden):
                await set_service_active(s, organisation=city.org, staff=who, service_code="streetlight",
                                         active=False)
            with pytest.raises(Forbidden):
                await move_service(s, organisation=city.org, staff=who, service_code="streetlight", direction="up")
            with pytest.raises(Forbidden):
                await list_org_services(s, organisation=city.org, staff=who)
    assert await _rows(db) == before


@pytest.mark.parametrize(("fields", "error", "field"), [
    ({"service_code": "Street Light"}, Invalid, "service_code"),
    ({"service_code": "x" * 51}, Invalid, "service_code"),
    ({"service_code": "가로등"}, Invalid, "service_code"),
    ({"service_code": "streetlight"}, Conflict, "service_code"),
    ({"name": "  "}, Invalid, "name"),
    ({"name": "가" * 101}, Invalid, "name"),
    ({"keywords": "가," * 200}, Invalid, "keywords"),
    ({"department_id": 999}, Invalid, "department"),
    ({"attributes": [{**STATE, "values": ""}]}, Invalid, "attributes.0.values"),
    ({"attributes": [{**STATE, "datatype": "string"}]}, Invalid, "attributes.0.values"),
    ({"attributes": [{**STATE, "values": "off=꺼짐\noff=꺼짐"}]}, Invalid, "attributes.0.values"),
    ({"attributes": [{**STATE, "values": "=이름만"}]}, Invalid, "attributes.0.values"),
    ({"attributes": [STATE, {**STATE, "description": "또"}]}, Invalid, "attributes.1.code"),
    ({"attributes": [STATE, {**STATE, "code": "a b"}]}, Invalid, "attributes.1.code"),
    ({"attributes": [{**STATE, "code": ""}]}, Invalid, "attributes.0.code"),
    ({"attributes": [{**STATE, "datatype": "colour"}]}, Invalid, "attributes.0.datatype"),
    ({"attributes": [{**STATE, "order": "첫째"}]}, Invalid, "attributes.0.order"),
    ({"attributes": [{**STATE, "order": "0"}]}, Invalid, "attributes.0.order"),
    ({"attributes": [{**STATE, "description": ""}]}, Invalid, "attributes.0.description"),
    ({"attributes": [{**STATE, "code": f"a{n}"} for n in range(31)]}, Invalid, "attributes"),
])
async def test_bad_services_are_refused_naming_the_field(db: Database, fields: dict[str, Any], error: type,
                                                         field: str) -> None:
    city = await make_city(db)
    await _add(db, city)
    before = await _rows(db)
    async with db.write() as s:
        with pytest.raises(error) as refused:
            await create_service(s, organisation=city.org, staff=city.admin, **{
                "service_code": "pothole", "name": "도로 파손", **fields})
        assert refused.value.field == field
    async with db.write() as s:
        if "service_code" not in fields:  # the same refusals when editing
            with pytest.raises(error) as refused:
                await update_service(s, organisation=city.org, staff=city.admin, service_code="streetlight",
                                     **{"name": "가로등", **fields})
            assert refused.value.field == field
    assert await _rows(db) == before


async def test_a_department_must_be_a_running_one_of_the_same_organisation(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        other = await make_account(s, username="gwacheon", organisation=True)
        theirs = await add_department(s, organisation=other, name="교통", code="transport")
    with pytest.raises(Invalid) as refused:
        await _add(db, city, department_id=theirs.id)
    assert refused.value.field == "department"
    await _add(db, city)
    async with db.write() as s:
        (await s.get(type(city.transport), city.transport.id)).active = False
    async with db.write() as s:
        # A service keeps a department that stopped running, but none is moved to one.
        kept = await update_service(s, organisation=city.org, staff=city.admin, service_code="streetlight",
                                    name="가로등 고장 신고", department_id=city.transport.id, attributes=[STATE])
        assert kept.name == "가로등 고장 신고"
    with pytest.raises(Invalid):
        async with db.write() as s:
            await create_service(s, organisation=city.org, staff=city.admin, service_code="road",
                                 name="도로", department_id=city.transport.id)


async def test_an_edit_changes_everything_but_the_code(db: Database) -> None:
    city = await make_city(db)
    await _add(db, city)
    async with db.write() as s:
        edited = await update_service(
            s, organisation=city.org, staff=city.admin, service_code="streetlight", name="보안등 고장",
            description="꺼진 보안등", department_id=city.welfare.id, keywords="보안등", group="안전",
            notice="확인 후 수리합니다",
            attributes=[{"code": "pole", "datatype": "number", "description": "기둥 번호", "order": "2",
                         "datatype_description": "숫자만"},
                        {**STATE, "values": [{"key": "off", "name": "꺼짐"}], "order": 1}])
        assert edited.service_code == "streetlight"
    async with db.read() as s:
        service = await find_service(s, "streetlight")
        assert service is not None
        assert (service.name, service.description, service.department_id, service.keywords, service.group,
                service.notice) == ("보안등 고장", "꺼진 보안등", city.welfare.id, "보안등", "안전", "확인 후 수리합니다")
        assert [(a["code"], a["order"]) for a in service.attributes] == [("state", 1), ("pole", 2)]
        assert service.attributes[1]["datatype_description"] == "숫자만" and service.metadata_flag
    async with db.write() as s:
        plain = await update_service(s, organisation=city.org, staff=city.admin, service_code="streetlight",
                                     name="보안등 고장")
        assert plain.attributes == [] and not plain.metadata_flag and plain.department_id is None
    async with db.write() as s:
        with pytest.raises(NotFound):
            await update_service(s, organisation=city.org, staff=city.admin, service_code="nothing", name="없음")


async def test_a_retired_service_leaves_open311_but_its_requests_and_cases_keep_it(db: Database) -> None:
    city = await make_city(db)
    await _add(db, city)
    async with db.write() as s:
        _, key = await create_api_key(s, name="앱")
        request = await create_request(s, site=SITE, api_key=key, service_code="streetlight", address_string="역 앞",
                                       email="minsu@example.kr", attributes={"state": "off"})
        case_id = request.case.id
    async with db.write() as s:
        await set_service_active(s, organisation=city.org, staff=city.admin, service_code="streetlight",
                                 active=False)
    async with db.read() as s:
        assert await list_services(s) == [] and await find_service(s, "streetlight") is None
        assert (await get_request(s, str(case_id))).service.service_code == "streetlight"
        assert (await s.get(Case, case_id)).category == "streetlight"
        # Still in the admin's list, to be restored.
        [retired] = await list_org_services(s, organisation=city.org, staff=city.admin)
        assert not retired.active
    async with db.write() as s:
        with pytest.raises(NotFound):  # no new request for a retired service: it left the service list
            await create_request(s, site=SITE, api_key=key, service_code="streetlight", address_string="역 앞",
                                 attributes={"state": "off"})
    async with db.write() as s:
        with pytest.raises(Conflict) as taken:  # the code stays taken
            await create_service(s, organisation=city.org, staff=city.admin, service_code="streetlight", name="새")
        assert "운영을 멈춘" in taken.value.message
    async with db.write() as s:
        await set_service_active(s, organisation=city.org, staff=city.admin, service_code="streetlight", active=True)
    async with db.read() as s:
        assert [x.service_code for x in await list_services(s)] == ["streetlight"]


async def test_services_move_up_and_down(db: Database) -> None:
    city = await make_city(db)
    for code in ("a", "b", "c"):
        await _add(db, city, service_code=code, attributes=[])

    async def order() -> list[str]:
        async with db.read() as s:
            return [x.service_code for x in await list_services(s)]

    async def move(code: str, direction: str) -> None:
        async with db.write() as s:
            await move_service(s, organisation=city.org, staff=city.admin, service_code=code, direction=direction)

    await move("c", "up")
    assert await order() == ["a", "c", "b"]
    await move("a", "down")
    assert await order() == ["c", "a", "b"]
    await move("c", "up")  # the first stays first
    await move("b", "down")
    assert await order() == ["c", "a", "b"]
    with pytest.raises(Invalid):
        await move("a", "sideways")
    # Running services move past running ones: a retired one between them is stepped over.
    async with db.write() as s:
        await set_service_active(s, organisation=city.org, staff=city.admin, service_code="a", active=False)
    await move("b", "up")
    assert await order() == ["b", "c"]
    async with db.read() as s:
        assert [x.service_code for x in await list_org_services(s, organisation=city.org, staff=city.admin)] == [
            "b", "a", "c"]


def test_values_are_read_one_per_line() -> None:
    assert values_from_lines("off=꺼짐\r\n  broken  \n\nflicker= 깜빡임 ") == [
        {"key": "off", "name": "꺼짐"}, {"key": "broken", "name": "broken"}, {"key": "flicker", "name": "깜빡임"}]


async def test_every_change_is_kept_with_who_and_the_service_before_and_after(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from madang.desk import service_admin
    from madang.models.open311 import ServiceChange
    from tests.desk.city import make_city

    city = await make_city(db)
    async with db.write() as s:
        await service_admin.create_service(s, organisation=city.org, staff=city.admin, service_code="pothole",
                                           name="도로 파임")
    async with db.write() as s:
        await service_admin.update_service(s, organisation=city.org, staff=city.admin, service_code="pothole",
                                           name="도로 파임·균열", keywords="도로")
    async with db.write() as s:
        await service_admin.set_service_active(s, organisation=city.org, staff=city.admin, service_code="pothole",
                                               active=False)
    async with db.read() as s:
        rows = list(await s.scalars(select(ServiceChange).order_by(ServiceChange.id)))
        history = await service_admin.service_history(s, organisation=city.org, staff=city.admin,
                                                      service_code="pothole")
    assert [r.action for r in rows] == ["added", "edited", "retired"]
    assert all(r.actor_id == city.admin.id for r in rows)
    assert rows[1].changed == ["name", "keywords"] and rows[1].before["name"] == "도로 파임"
    assert rows[1].after["name"] == "도로 파임·균열" and rows[2].after["active"] is False
    assert [h.action for h in history] == ["retired", "edited", "added"]
