"""Open311 services (the request types an organisation takes, with the attributes each asks for)
and the API keys that may post requests."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.organisations import check_organisation
from madang.models import Account
from madang.models.desk import Department
from madang.models.open311 import DATATYPES, ApiKey, Service

LISTS = ("singlevaluelist", "multivaluelist")


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
