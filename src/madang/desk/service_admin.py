"""Office admins edit their organisation's Open311 services (the 민원 categories citizens and apps
choose from): add, edit, retire or restore, reorder. A service is never deleted: cases keep its
code as their category and Open311 requests keep pointing at its row. Every change is checked
whole before anything is written, and logged with who made it (there is no history table yet)."""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.organisations import ADMIN, get_department_by_id, require_role
from madang.desk.services import LISTS, add_service, check_attributes
from madang.core.clock import utcnow
from madang.models import Account
from madang.models.desk import Department
from madang.models.open311 import DATATYPES, Service, ServiceChange

log = logging.getLogger("madang.desk.services")

CODE = re.compile(r"[a-z0-9_-]{1,50}")
NAME_LIMIT = 100
DESCRIPTION_LIMIT = 2000
KEYWORDS_LIMIT = 300  # the column's size
GROUP_LIMIT = 100  # the column's size
NOTICE_LIMIT = 1000
ATTRIBUTES_LIMIT = 30
ATTRIBUTE_CODE_LIMIT = 50
ATTRIBUTE_TEXT_LIMIT = 300
VALUES_LIMIT = 100
VALUE_KEY_LIMIT = 50
VALUE_NAME_LIMIT = 100
ORDER_LIMIT = 999
# Attribute codes travel as `attribute[code]=…` in an Open311 POST.
BAD_ATTRIBUTE_CODE = re.compile(r"[\[\]&=/#?\s]")


# --- reading ---------------------------------------------------------------------------------


async def list_org_services(session: AsyncSession, *, organisation: Account, staff: Account) -> list[Service]:
    """All of the organisation's services, retired ones too, in the order Open311 lists them."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return await _ordered(session, organisation.id)


async def get_org_service(session: AsyncSession, *, organisation: Account, staff: Account,
                          service_code: str) -> Service:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return await _service(session, organisation, service_code)


async def _ordered(session: AsyncSession, organisation_id: int) -> list[Service]:
    return list(await session.scalars(select(Service).where(Service.organisation_id == organisation_id)
                                      .order_by(Service.position, Service.id)))


async def _service(session: AsyncSession, organisation: Account, service_code: str) -> Service:
    service = await session.scalar(select(Service).where(Service.organisation_id == organisation.id,
                                                         Service.service_code == service_code))
    if service is None:
        raise NotFound(f"서비스 코드 {service_code}이(가) 없습니다", field="service_code")
    return service


# --- checking --------------------------------------------------------------------------------


def _limited(value: str | None, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(f"{label}은(는) {limit:,}자까지 쓸 수 있습니다 (지금 {len(value):,}자)", field=field)
    return value


def _fields(*, name: str, description: str, keywords: str, group: str, notice: str) -> dict[str, str]:
    name = (name or "").strip()
    if not name:
        raise Invalid("서비스 이름을 입력해 주세요", field="name")
    if len(name) > NAME_LIMIT:
        raise Invalid(f"서비스 이름은 {NAME_LIMIT}자까지 쓸 수 있습니다", field="name")
    # The spec shows keywords comma separated; "주차, 불법 ,," is kept as "주차,불법".
    words = ",".join(w.strip() for w in (keywords or "").split(",") if w.strip())
    return {"name": name, "description": _limited(description, DESCRIPTION_LIMIT, "description", "설명"),
            "keywords": _limited(words, KEYWORDS_LIMIT, "keywords", "검색어"),
            "group": _limited(group, GROUP_LIMIT, "group", "묶음 이름"),
            "notice": _limited(notice, NOTICE_LIMIT, "notice", "안내문")}


async def _department(session: AsyncSession, organisation: Account, department_id: int | None,
                      current_id: int | None = None) -> Department | None:
    if department_id is None:
        return None
    try:
        department = await get_department_by_id(session, organisation_id=organisation.id,
                                                department_id=department_id)
    except NotFound:
        raise Invalid("부서를 목록에서 골라 주세요", field="department") from None
    # A service may keep a department that stopped running; it may not be moved to one.
    if not department.active and department.id != current_id:
        raise Invalid("운영을 멈춘 부서입니다", field="department")
    return department


def values_from_lines(text: str, *, field: str = "values") -> list[dict[str, str]]:
    """A list attribute's choices typed one per line as `key=name` (a line without `=` is both)."""
    values: list[dict[str, str]] = []
    seen: set[str] = set()
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, _, name = line.partition("=")
        key, name = key.strip(), (name.strip() or key.strip())
        if not key:
            raise Invalid(f"{n}번째 줄: = 앞에 선택지 키를 써 주세요", field=field)
        if len(key) > VALUE_KEY_LIMIT or len(name) > VALUE_NAME_LIMIT:
            raise Invalid(f"{n}번째 줄: 키는 {VALUE_KEY_LIMIT}자, 이름은 {VALUE_NAME_LIMIT}자까지입니다", field=field)
        if key in seen:
            raise Invalid(f"{n}번째 줄: 선택지 키 {key}이(가) 겹칩니다", field=field)
        seen.add(key)
        values.append({"key": key, "name": name})
    if len(values) > VALUES_LIMIT:
        raise Invalid(f"선택지는 {VALUES_LIMIT}개까지입니다", field=field)
    return values


def _order(value: Any, default: int, field: str) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 4:
        number = int(value.strip())
    else:
        raise Invalid(f"순서는 1~{ORDER_LIMIT} 사이의 숫자로 써 주세요", field=field)
    if not 1 <= number <= ORDER_LIMIT:
        raise Invalid(f"순서는 1~{ORDER_LIMIT} 사이의 숫자로 써 주세요", field=field)
    return number


def check_attribute_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attribute definitions as an editor sends them, each checked on its own so that a refusal
    names its row and field (``attributes.2.values``); ``values`` may be a list of {key, name} or
    the `key=name` lines. Normalised by `services.check_attributes`."""
    if len(rows) > ATTRIBUTES_LIMIT:
        raise Invalid(f"속성은 {ATTRIBUTES_LIMIT}개까지 둘 수 있습니다", field="attributes")
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(rows):
        at = f"attributes.{i}."
        code = str(raw.get("code") or "").strip()
        if not code:
            raise Invalid("속성 코드를 입력해 주세요", field=at + "code")
        if len(code) > ATTRIBUTE_CODE_LIMIT or BAD_ATTRIBUTE_CODE.search(code):
            raise Invalid(f"속성 코드는 {ATTRIBUTE_CODE_LIMIT}자 이내로, 공백과 [ ] & = / # ? 없이 써 주세요",
                          field=at + "code")
        if code in seen:
            raise Invalid(f"속성 코드 {code}이(가) 겹칩니다", field=at + "code")
        seen.add(code)
        datatype = str(raw.get("datatype") or "string")
        if datatype not in DATATYPES:
            raise Invalid("자료형을 목록에서 골라 주세요", field=at + "datatype")
        description = _limited(str(raw.get("description") or ""), ATTRIBUTE_TEXT_LIMIT, at + "description",
                               "질문")
        if not description:
            raise Invalid("신청하는 사람에게 보일 질문을 입력해 주세요", field=at + "description")
        datatype_description = _limited(str(raw.get("datatype_description") or ""), ATTRIBUTE_TEXT_LIMIT,
                                        at + "datatype_description", "입력 안내")
        given = raw.get("values") or []
        values = values_from_lines(given, field=at + "values") if isinstance(given, str) else [
            {"key": str(v["key"]), "name": str(v.get("name") or v["key"])} for v in given]
        if datatype in LISTS and not values:
            raise Invalid("목록 자료형에는 선택지가 한 개 이상 필요합니다", field=at + "values")
        if datatype not in LISTS and values:
            raise Invalid("선택지는 목록 자료형에만 쓸 수 있습니다: 자료형을 바꾸거나 선택지를 지워 주세요",
                          field=at + "values")
        out.append({"code": code, "datatype": datatype, "required": bool(raw.get("required")),
                    "description": description, "datatype_description": datatype_description,
                    "order": _order(raw.get("order"), i + 1, at + "order"), "values": values})
    return check_attributes(out)


def _check_code(service_code: str) -> str:
    service_code = (service_code or "").strip()
    if not CODE.fullmatch(service_code):
        raise Invalid("서비스 코드는 영문 소문자, 숫자, _ 와 - 로 1~50자여야 합니다", field="service_code")
    return service_code


SNAPSHOT = ("service_code", "name", "description", "department_id", "keywords", "group", "notice",
            "attributes", "position", "active")


def snapshot(service: Service) -> dict[str, Any]:
    """What an office admin can change of a service, as JSON."""
    return {key: getattr(service, key) for key in SNAPSHOT}


async def _record(session: AsyncSession, organisation: Account, staff: Account, service: Service, action: str,
                  changed: tuple[str, ...] | list[str] = (), before: dict[str, Any] | None = None) -> None:
    """An append-only history row in the same transaction as the change: who, when, what, and
    the service before and after."""
    session.add(ServiceChange(organisation_id=organisation.id, service_id=service.id, actor_id=staff.id,
                              at=utcnow(), action=action, changed=list(changed), before=before,
                              after=snapshot(service)))
    await session.flush()
    log.info("open311 service %s of @%s: %s by @%s%s", service.service_code, organisation.acct, action,
             staff.acct, f" ({', '.join(changed)})" if changed else "")


async def service_history(session: AsyncSession, *, organisation: Account, staff: Account,
                          service_code: str) -> list[ServiceChange]:
    """A service's changes, newest first (office admins)."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    service = await _service(session, organisation, service_code)
    return list(await session.scalars(select(ServiceChange).where(ServiceChange.service_id == service.id)
                                      .order_by(ServiceChange.at.desc(), ServiceChange.id.desc())))


# --- changing --------------------------------------------------------------------------------


async def create_service(
    session: AsyncSession, *, organisation: Account, staff: Account, service_code: str, name: str,
    description: str = "", department_id: int | None = None, keywords: str = "", group: str = "",
    notice: str = "", attributes: list[dict[str, Any]] | None = None,
) -> Service:
    """A new service at the end of the organisation's list."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    service_code = _check_code(service_code)
    fields = _fields(name=name, description=description, keywords=keywords, group=group, notice=notice)
    department = await _department(session, organisation, department_id)
    checked = check_attribute_rows(attributes or [])
    taken = await session.scalar(select(Service).where(Service.organisation_id == organisation.id,
                                                       Service.service_code == service_code))
    if taken is not None:
        raise Conflict(f"서비스 코드 {service_code}은(는) 이미 있습니다"
                       + ("" if taken.active else " (운영을 멈춘 분류입니다: 다시 운영하거나 다른 코드를 쓰세요)"),
                       field="service_code")
    service = await add_service(session, organisation=organisation, service_code=service_code,
                                department=department, attributes=checked, **fields)
    await _record(session, organisation, staff, service, "added")
    return service


async def update_service(
    session: AsyncSession, *, organisation: Account, staff: Account, service_code: str, name: str,
    description: str = "", department_id: int | None = None, keywords: str = "", group: str = "",
    notice: str = "", attributes: list[dict[str, Any]] | None = None,
) -> Service:
    """Everything of a service but its code (cases keep the code as their category)."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    service = await _service(session, organisation, service_code)
    before = snapshot(service)
    fields = _fields(name=name, description=description, keywords=keywords, group=group, notice=notice)
    department = await _department(session, organisation, department_id, current_id=service.department_id)
    checked = check_attribute_rows(attributes or [])
    new = {**fields, "department_id": department.id if department else None, "attributes": checked}
    changed = [key for key, value in new.items() if getattr(service, key) != value]
    for key in changed:
        setattr(service, key, new[key])
    service.metadata_flag = bool(checked)
    await session.flush()
    if changed:
        await _record(session, organisation, staff, service, "edited", changed, before)
    return service


async def set_service_active(session: AsyncSession, *, organisation: Account, staff: Account, service_code: str,
                             active: bool) -> Service:
    """Retire a service (gone from Open311's list and from new requests; its cases keep it), or
    bring it back."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    service = await _service(session, organisation, service_code)
    if service.active != active:
        before = snapshot(service)
        service.active = active
        await session.flush()
        await _record(session, organisation, staff, service, "restored" if active else "retired", ["active"], before)
    return service


async def move_service(session: AsyncSession, *, organisation: Account, staff: Account, service_code: str,
                       direction: str) -> Service:
    """One place up or down in the organisation's list (the first stays first). Running services
    move past running ones and retired past retired ones, as the settings page lists them apart."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    if direction not in ("up", "down"):
        raise Invalid("위 또는 아래로만 옮길 수 있습니다", field="direction")
    ordered = await _ordered(session, organisation.id)
    service = await _service(session, organisation, service_code)
    peers = [x for x in ordered if x.active == service.active]
    to = peers.index(service) + (-1 if direction == "up" else 1)
    if 0 <= to < len(peers):
        before = snapshot(service)
        at, other = ordered.index(service), ordered.index(peers[to])
        ordered[at], ordered[other] = ordered[other], ordered[at]
        # Renumbered whole: positions written by older loaders may repeat.
        for n, row in enumerate(ordered, start=1):
            row.position = n
        await session.flush()
        await _record(session, organisation, staff, service, f"moved_{direction}", ["position"], before)
    return service
