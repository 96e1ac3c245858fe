"""The desk's web form: a citizen (signed in, or a guest with an e-mail address) writes to an
organisation, choosing the kind of question and, where they know it, the department.

On top of `cases.open_case` it checks what a person types into a form, field by field, so each
refusal can be shown next to its field; and for a guest it e-mails the private link to the case."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid, NotFound
from madang.desk.cases import log_case, open_case
from madang.desk.guest_links import guest_path
from madang.desk.organisations import get_department_by_id, get_organisation, has_desk
from madang.desk.services import check_attribute_values, check_location
from madang.mail import send_mail
from madang.models import Account
from madang.models.desk import KINDS, Case, Department
from madang.models.open311 import Service
from madang.statuses.create import Site
from madang.core.ids import parse_id_text

TEXT_LIMIT = 2000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def check_form(*, kind: str, description: str, guest: bool, email: str, name: str, phone: str) -> None:
    """The first refusal, naming its field."""
    if kind not in KINDS:
        raise Invalid("민원 종류를 골라 주세요", field="kind")
    text = description.strip()
    if not text:
        raise Invalid("민원 내용을 입력해 주세요", field="description")
    if len(text) > TEXT_LIMIT:
        raise Invalid(f"민원 내용은 {TEXT_LIMIT:,}자까지 쓸 수 있습니다 (지금 {len(text):,}자)", field="description")
    if guest:
        if not email.strip():
            raise Invalid("답변을 받을 이메일 주소를 입력해 주세요", field="email")
        if len(email) > 320 or not EMAIL.match(email.strip()):
            raise Invalid("이메일 주소 형식이 올바르지 않습니다", field="email")
        if len(name.strip()) > 100:
            raise Invalid("이름은 100자까지 쓸 수 있습니다", field="name")
        if len(phone.strip()) > 40 or (phone.strip() and not re.fullmatch(r"[0-9+()\- .]{7,40}", phone.strip())):
            raise Invalid("전화번호는 숫자와 -로 입력해 주세요", field="phone")


async def _department(session: AsyncSession, organisation: Account, value: str) -> Department | None:
    if not value:
        return None
    department_id = parse_id_text(value)
    if department_id is None:
        raise Invalid("부서를 목록에서 골라 주세요", field="department")
    try:
        department = await get_department_by_id(session, organisation_id=organisation.id, department_id=department_id)
    except NotFound:
        raise Invalid("부서를 목록에서 골라 주세요", field="department") from None
    if not department.active:
        raise Invalid("부서를 목록에서 골라 주세요", field="department")
    return department


async def _service(session: AsyncSession, organisation: Account, value: str) -> Service | None:
    """The category (an Open311 service of this organisation that is still running), if one was chosen."""
    if not value:
        return None
    found = await session.scalar(select(Service).where(
        Service.organisation_id == organisation.id, Service.service_code == value, Service.active.is_(True)))
    if found is None:
        raise Invalid("분류를 목록에서 골라 주세요", field="category")
    return found


async def submit_web_form(
    session: AsyncSession, *, site: Site, secret_key: str, organisation: str, kind: str, description: str,
    department: str = "", citizen: Account | None = None, guest_email: str = "", guest_name: str = "",
    guest_phone: str = "", category: str = "", attributes: dict[str, Any] | None = None, address: str = "",
    lat: str = "", long: str = "", photo: tuple[str, str] | None = None,
) -> Case:
    """A case from the web form (channel `web`); the citizen is told the number and due date.
    A chosen category asks what Open311 asks of it: its attributes, checked by the same rule, and
    a location; ``photo`` is the (original, small) keys of an upload already re-encoded."""
    try:
        org = await get_organisation(session, organisation)
    except (NotFound, Invalid):
        raise Invalid("민원을 받을 기관을 골라 주세요", field="organisation") from None
    if not await has_desk(session, org.id):
        raise Invalid("이 기관은 민원 창구를 운영하지 않습니다", field="organisation")
    check_form(kind=kind, description=description, guest=citizen is None, email=guest_email, name=guest_name,
               phone=guest_phone)
    chosen = await _department(session, org, department)
    service = await _service(session, org, category)
    latitude, longitude, place = check_location(lat, long, address, required=service is not None,
                                                address_field="address")
    values = check_attribute_values(service, attributes or {}) if service is not None else None
    if chosen is None and service is not None and service.department_id is not None:
        # The category knows its department (the same routing as an Open311 request).
        with contextlib.suppress(Invalid):  # a retired department: the office routes it by hand
            chosen = await _department(session, org, str(service.department_id))
    case = await open_case(
        session, site=site, organisation=org, channel="web", kind=kind, description=description,
        actor_id=citizen.id if citizen else None, citizen=citizen, department=chosen,
        category=service.service_code if service else None,
        guest_name=None if citizen else guest_name, guest_email=None if citizen else guest_email.strip(),
        guest_phone=None if citizen else guest_phone)
    case.address, case.lat, case.long, case.attribute_values = place, latitude, longitude, values or None
    if photo is not None:
        case.photo_key, case.photo_small_key = photo
    await session.flush()
    if citizen is None:
        link = site.base_url.rstrip("/") + guest_path(secret_key, case)
        await send_mail(session, to=case.guest_email or "", subject=f"[{org.display_name or org.username}] "
                        f"민원 {case.number} 확인 링크",
                        body=f"민원 {case.number}의 처리 상황과 답변은 아래 링크에서 보실 수 있습니다.\n{link}\n\n"
                             "이 링크는 본인만 아는 주소입니다. 다른 사람과 나누지 마세요.")
    return case


async def log_call_or_visit(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, channel: str, kind: str,
    description: str, department: str = "", guest_name: str = "", guest_email: str = "", guest_phone: str = "",
) -> Case:
    """A staff member writes down a phone call or a visit (their role is checked by `log_case`)."""
    if channel not in ("phone", "visit"):
        raise Invalid("전화 또는 방문을 골라 주세요", field="channel")
    check_form(kind=kind, description=description, guest=False, email="", name=guest_name, phone=guest_phone)
    if guest_email.strip() and not EMAIL.match(guest_email.strip()):
        raise Invalid("이메일 주소 형식이 올바르지 않습니다", field="email")
    chosen = await _department(session, organisation, department)
    return await log_case(
        session, site=site, organisation=organisation, staff=staff, channel=channel, kind=kind,
        description=description, guest_name=guest_name, guest_email=guest_email.strip(), guest_phone=guest_phone,
        department=chosen)
