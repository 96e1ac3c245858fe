"""The phone numbers and e-mail addresses an organisation publishes, for itself or one of its
departments (031-8045-2114, desk@anyang.go.kr): not personal data, so masking leaves them as they
are in what the organisation says (decision 0028). Office admins keep the list."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk import organisations as orgs
from madang.desk.organisations import ADMIN, require_role
from madang.models import Account
from madang.models.desk import PublishedContact
from madang.text.personal_data import find_personal_data

LIMIT = 50  # per organisation, departments included


def check_contact(value: str) -> str:
    """The value if it is one phone number or e-mail address, as masking would find it."""
    value = " ".join((value or "").split())
    found = find_personal_data(value)
    if not value or len(value) > 320 or len(found) != 1 or found[0].kind not in ("phone", "email") \
            or (found[0].start, found[0].end) != (0, len(value)):
        raise Invalid("전화번호(031-8045-0000)나 이메일 주소 하나를 적어 주세요", field="value")
    return value


async def published_contacts(session: AsyncSession, *, organisation_id: int,
                             department_id: int | None = None) -> list[str]:
    """What masking keeps for this organisation: its own contacts and the department's."""
    return list(await session.scalars(select(PublishedContact.value).where(
        PublishedContact.organisation_id == organisation_id,
        or_(PublishedContact.department_id.is_(None), PublishedContact.department_id == department_id)
        if department_id is not None else PublishedContact.department_id.is_(None))))


async def list_contacts(session: AsyncSession, *, organisation: Account,
                        staff: Account | None) -> list[PublishedContact]:
    if staff is not None:
        await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return list(await session.scalars(select(PublishedContact).where(
        PublishedContact.organisation_id == organisation.id).order_by(PublishedContact.id)))


async def add_contact(session: AsyncSession, *, organisation: Account, staff: Account | None, value: str,
                      department_id: int | None = None) -> PublishedContact:
    """``staff`` None: the server's operator (the CLI, the demo)."""
    if staff is not None:
        await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    value = check_contact(value)
    if department_id is not None:
        await orgs.get_department_by_id(session, organisation_id=organisation.id, department_id=department_id)
    rows = list(await session.scalars(select(PublishedContact).where(
        PublishedContact.organisation_id == organisation.id)))
    if any(r.value == value and r.department_id == department_id for r in rows):
        raise Conflict(f"{value}은(는) 이미 목록에 있습니다", field="value")
    if len(rows) >= LIMIT:
        raise Invalid(f"공개 연락처는 {LIMIT}개까지 둘 수 있습니다", field="value")
    row = PublishedContact(organisation_id=organisation.id, department_id=department_id, value=value,
                           created_at=utcnow())
    session.add(row)
    await session.flush()
    return row


async def remove_contact(session: AsyncSession, *, organisation: Account, staff: Account, contact_id: int) -> None:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    removed = await session.execute(delete(PublishedContact).where(
        PublishedContact.id == contact_id, PublishedContact.organisation_id == organisation.id))
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise NotFound("공개 연락처를 찾을 수 없습니다", field="contact")
