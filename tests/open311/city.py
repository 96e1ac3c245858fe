"""The desk test city with Open311 services and an API key, for the Open311 tests."""

from __future__ import annotations

from dataclasses import dataclass

from madang.db import Database
from madang.desk.services import add_service, create_api_key
from tests.desk.city import City, make_city

STREETLIGHT_ATTRIBUTES = [
    {"code": "pole_number", "datatype": "string", "required": True, "description": "가로등 번호(기둥 표찰)",
     "order": 1},
    {"code": "state", "datatype": "singlevaluelist", "required": False, "description": "상태", "order": 2,
     "values": [{"key": "off", "name": "꺼짐"}, {"key": "flicker", "name": "깜빡임"}]},
]


@dataclass
class Open311City:
    city: City
    api_key: str


async def make_open311_city(db: Database) -> Open311City:
    city = await make_city(db)
    async with db.write() as s:
        await add_service(s, organisation=city.org, service_code="streetlight", name="가로등 고장",
                          description="꺼지거나 깜빡이는 가로등", department=city.transport, keywords="가로등,조명",
                          group="도로", notice="교통과에서 확인 후 수리합니다", attributes=STREETLIGHT_ATTRIBUTES)
        await add_service(s, organisation=city.org, service_code="welfare_question", name="복지 문의",
                          department=city.welfare, group="복지")
        _, key = await create_api_key(s, name="안양 민원앱")
    return Open311City(city, key)
