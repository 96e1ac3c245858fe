"""The demo city's Open311 services: one or more per department, some asking for attributes
(a pole number, a car plate and a time, a photo), so an Open311 app has something to show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.demo.city import CITY_USERNAME
from madang.desk.organisations import find_department
from madang.desk.services import add_service
from madang.models import Account
from madang.models.open311 import Service

# (code, name, department code, group, description, notice, attributes)
SERVICES: tuple[tuple[str, str, str, str, str, str, list[dict[str, Any]]], ...] = (
    ("streetlight", "가로등 고장", "safety", "도로·시설", "꺼지거나 깜빡이는 가로등·보안등",
     "안전총괄과에서 현장 확인 후 수리합니다", [
         {"code": "pole_number", "datatype": "string", "required": True,
          "description": "가로등 기둥에 붙은 관리번호", "order": 1},
         {"code": "state", "datatype": "singlevaluelist", "required": False, "description": "상태", "order": 2,
          "values": [{"key": "off", "name": "꺼짐"}, {"key": "flicker", "name": "깜빡임"},
                     {"key": "damaged", "name": "파손"}]},
     ]),
    ("illegal_parking", "불법 주정차", "transport", "교통", "소화전·교차로·버스정류장 등의 불법 주정차",
     "교통과 단속반이 확인합니다 (긴급한 경우 120 또는 112)", [
         {"code": "car_plate", "datatype": "string", "required": True, "description": "차량 번호", "order": 1},
         {"code": "seen_at", "datatype": "datetime", "required": True, "description": "목격한 시각", "order": 2},
         {"code": "place_kind", "datatype": "multivaluelist", "required": False, "description": "장소",
          "order": 3, "values": [{"key": "hydrant", "name": "소화전"}, {"key": "crosswalk", "name": "횡단보도"},
                                 {"key": "bus_stop", "name": "버스정류장"}, {"key": "school_zone", "name": "어린이보호구역"}]},
     ]),
    ("illegal_dumping", "쓰레기 무단투기", "environment", "환경", "종량제 봉투를 쓰지 않은 쓰레기, 대형 폐기물 무단투기",
     "환경과에서 수거하고 투기자를 확인합니다", []),
    ("road_damage", "도로 파손", "transport", "도로·시설", "포트홀, 보도블록 파손, 맨홀 덮개 이상",
     "도로과에서 확인 후 보수합니다", [
         {"code": "photo_url", "datatype": "string", "required": False, "description": "사진 주소(URL)",
          "order": 1},
         {"code": "size_cm", "datatype": "number", "required": False, "description": "파인 곳의 대략적 크기(cm)",
          "order": 2},
     ]),
    ("welfare_question", "복지 문의", "welfare", "복지", "기초연금, 긴급 복지 등 복지 제도 문의", "", []),
    ("culture_event", "문화 행사 문의", "culture", "문화", "축제·공연·도서관 행사 문의", "", []),
    ("school_route", "통학로 안전", "education", "교육", "통학로의 위험한 곳을 알려 주세요", "", [
        {"code": "school", "datatype": "string", "required": False, "description": "학교 이름", "order": 1},
    ]),
)


async def load_open311(session: AsyncSession, *, organisation: str = CITY_USERNAME) -> None:
    org = await session.scalar(select(Account).where(Account.acct_key == organisation, Account.domain.is_(None)))
    if org is None or await session.scalar(select(Service.id).where(Service.organisation_id == org.id).limit(1)):
        return  # a smaller test city, or loaded already
    for code, name, department_code, group, description, notice, attributes in SERVICES:
        department = await find_department(session, organisation_id=org.id, code=department_code)
        await add_service(session, organisation=org, service_code=code, name=name, description=description,
                          department=department, keywords=name.replace(" ", ","), group=group, notice=notice,
                          attributes=attributes)
