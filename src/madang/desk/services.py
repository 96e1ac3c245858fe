"""Open311 services (the request types an organisation takes, with the attributes each asks for)
and the API keys that may post requests."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.organisations import check_organisation
from madang.models import Account
from madang.models.desk import Department
from madang.models.open311 import DATATYPES, ApiKey, Service
from madang.text.normalizing import normalize

LISTS = ("singlevaluelist", "multivaluelist")
TEXT_VALUE_LIMIT = 4000  # a `text` attribute may be as long as a description (cases.DESCRIPTION_LIMIT)
ADDRESS_LIMIT = 500


def check_attributes(attributes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A service's attribute definitions, normalised: code, datatype, required, description,
    order, values ([{key, name}], only for the list types); ordered by ``order``."""
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(attributes, start=1):
        code = str(raw.get("code") or "").strip()
        if not code or len(code) > 50 or any(c in code for c in "[]&=/ "):
            raise Invalid(f"속성 코드가 올바르지 않습니다: {code!r}", field="attributes")
        if code in seen:
            raise Invalid(f"속성 코드가 겹칩니다: {code}", field="attributes")
        seen.add(code)
        datatype = raw.get("datatype", "string")
        if datatype not in DATATYPES:
            raise Invalid(f"속성 자료형은 {', '.join(DATATYPES)} 중 하나여야 합니다", field="attributes")
        values = [{"key": str(v["key"]), "name": str(v.get("name", v["key"]))} for v in raw.get("values") or []]
        if (datatype in LISTS) != bool(values):
            raise Invalid(f"{code}: 목록 자료형만 선택지(values)를 가지며, 목록 자료형은 선택지가 필요합니다",
                          field="attributes")
        out.append({"code": code, "datatype": datatype, "required": bool(raw.get("required", False)),
                    "description": str(raw.get("description") or code),
                    "datatype_description": str(raw.get("datatype_description") or ""),
                    "order": int(raw.get("order", n)), "values": values})
    return sorted(out, key=lambda a: a["order"])


# --- what a request for a service must carry (Open311 and the web form check the same) ---------


def check_attribute_values(service: Service, given: dict[str, Any]) -> dict[str, Any]:
    """The values posted as attribute[code], checked against the service's definition."""
    definitions = {a["code"]: a for a in service.attributes}
    unknown = sorted(set(given) - set(definitions))
    if unknown:
        raise Invalid(f"이 서비스에 없는 속성입니다: {', '.join(unknown)}", field="attribute")
    out: dict[str, Any] = {}
    for code, definition in definitions.items():
        value = given.get(code)
        values = [normalize(v).strip() for v in (value if isinstance(value, list) else [value]) if v and v.strip()]
        if not values:
            if definition["required"]:
                raise Invalid(f"필수 속성 {code}({definition['description']})이(가) 없습니다", field=f"attribute[{code}]")
            continue
        out[code] = _check_value(definition, values)
    return out


def _check_value(definition: dict[str, Any], values: list[str]) -> Any:
    code, datatype = definition["code"], definition["datatype"]
    field = f"attribute[{code}]"
    if datatype == "multivaluelist":
        keys = {v["key"] for v in definition["values"]}
        if not set(values) <= keys:
            raise Invalid(f"{code}의 값은 {', '.join(sorted(keys))} 중에서 골라야 합니다", field=field)
        return values
    if len(values) > 1:
        raise Invalid(f"{code}에는 값 하나만 쓸 수 있습니다", field=field)
    value = values[0]
    if datatype == "singlevaluelist":
        keys = {v["key"] for v in definition["values"]}
        if value not in keys:
            raise Invalid(f"{code}의 값은 {', '.join(sorted(keys))} 중 하나여야 합니다", field=field)
    elif datatype == "number":
        try:
            if not math.isfinite(float(value)):
                raise ValueError
        except ValueError:
            raise Invalid(f"{code}은(는) 숫자여야 합니다", field=field) from None
    elif datatype == "datetime":
        parse_datetime(value, field)
    elif len(value) > (TEXT_VALUE_LIMIT if datatype == "text" else 255):
        raise Invalid(f"{code}이(가) 너무 깁니다", field=field)
    return value


def parse_datetime(value: str, field: str, zone: Any = timezone.utc) -> datetime:
    """ISO 8601 (W3C) as Open311 asks; a time without a zone is taken in the instance's zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{field}은(는) ISO 8601 날짜·시각이어야 합니다 (예: 2026-03-03T10:00:00+09:00)",
                      field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _coordinate(value: str | None, field: str, bound: float) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise Invalid(f"{field}은(는) 숫자여야 합니다", field=field) from None
    if not math.isfinite(number) or abs(number) > bound:
        raise Invalid(f"{field}이(가) 범위를 벗어났습니다", field=field)
    return number


def check_location(lat: str | None, long: str | None, address: str | None, *, required: bool,
                   address_field: str = "address_string") -> tuple[float | None, float | None, str | None]:
    """Latitude, longitude (both or neither) and an address text; with ``required``, one of the two."""
    latitude, longitude = _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)
    address = normalize(address or "").strip() or None  # control characters out, as any text that enters
    if address is not None and len(address) > ADDRESS_LIMIT:
        raise Invalid(f"{address_field}은(는) {ADDRESS_LIMIT}자까지입니다", field=address_field)
    if (latitude is None) != (longitude is None):
        raise Invalid("lat과 long은 함께 보내야 합니다", field="lat")
    if required and latitude is None and address is None:
        if address_field == "address_string":
            raise Invalid("위치(lat과 long, address_string 또는 address_id)가 필요합니다", field="lat")
        raise Invalid("위치(주소 또는 위도·경도)를 적어 주세요", field=address_field)
    return latitude, longitude, address


async def add_service(
    session: AsyncSession, *, organisation: Account, service_code: str, name: str, description: str = "",
    department: Department | None = None, keywords: str = "", group: str = "", notice: str = "",
    attributes: list[dict[str, Any]] | None = None,
) -> Service:
    check_organisation(organisation)
    service_code = service_code.strip()
    if not service_code or len(service_code) > 50 or any(c in service_code for c in "/?#., "):
        raise Invalid("서비스 코드는 50자 이내로, 공백·마침표·빗금 없이 써 주세요", field="service_code")
    if not name.strip():
        raise Invalid("서비스 이름을 입력해 주세요", field="name")
    if department is not None and department.organisation_id != organisation.id:
        raise Invalid("이 기관의 부서가 아닙니다", field="department")
    if await session.scalar(select(Service.id).where(Service.organisation_id == organisation.id,
                                                     Service.service_code == service_code)):
        raise Conflict(f"서비스 코드 {service_code}이(가) 이미 있습니다", field="service_code")
    checked = check_attributes(attributes or [])
    service = Service(
        organisation_id=organisation.id, service_code=service_code, name=name.strip(), description=description,
        department_id=department.id if department else None, keywords=keywords, group=group, notice=notice,
        metadata_flag=bool(checked), attributes=checked, position=await _next_position(session, organisation.id),
        active=True, created_at=utcnow())
    session.add(service)
    await session.flush()
    return service


async def _next_position(session: AsyncSession, organisation_id: int) -> int:
    positions = await session.scalars(select(Service.position).where(Service.organisation_id == organisation_id))
    return max(positions, default=0) + 1


async def list_services(session: AsyncSession) -> list[Service]:
    """Every organisation's active services (one Open311 endpoint serves the whole instance)."""
    return list(await session.scalars(select(Service).where(Service.active.is_(True))
                                      .order_by(Service.organisation_id, Service.position, Service.id)))


async def find_service(session: AsyncSession, service_code: str) -> Service | None:
    # Codes are unique per organisation; across organisations the oldest organisation's wins
    # (docs/decisions/0017-open311.md: a second city on one instance should pick other codes).
    return await session.scalar(select(Service).where(Service.service_code == service_code,
                                                      Service.active.is_(True))
                                .order_by(Service.organisation_id, Service.id).limit(1))


async def get_service(session: AsyncSession, service_code: str) -> Service:
    service = await find_service(session, service_code)
    if service is None:
        raise NotFound(f"서비스 코드 {service_code}이(가) 없습니다", field="service_code")
    return service


async def service_names(session: AsyncSession, *, organisation_id: int) -> dict[str, str]:
    """Service code -> name, retired services included (old cases still carry their codes)."""
    rows = await session.execute(select(Service.service_code, Service.name)
                                 .where(Service.organisation_id == organisation_id))
    return {code: name for code, name in rows}


async def department_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {i: n for i, n in rows}


# --- API keys --------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a plain SHA-256 is enough, and lets a lookup use the index.
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, *, name: str) -> tuple[ApiKey, str]:
    """The key row and the key itself, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("키 이름은 1~100자입니다", field="name")
    if await session.scalar(select(ApiKey.id).where(ApiKey.name == name)):
        raise Conflict(f"{name} 이름의 키가 이미 있습니다", field="name")
    key = secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=hash_key(key), created_at=utcnow())
    session.add(row)
    await session.flush()
    return row, key


async def list_api_keys(session: AsyncSession) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


async def revoke_api_key(session: AsyncSession, *, name: str) -> ApiKey:
    row = await session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise NotFound(f"{name} 이름의 키가 없습니다", field="name")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    return row


async def find_valid_api_key(session: AsyncSession, key: str | None) -> ApiKey | None:
    if not key:
        return None
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None)))
