"""Opening a case, from whichever channel it came by, with its number and legal due date."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.desk.deadlines import due_at
from madang.desk.history import record_event
from madang.desk.notices import notify_citizen
from madang.desk.numbering import next_case_number
from madang.desk.organisations import HANDLE, check_organisation, closures_for, has_desk, require_role
from madang.models import Account
from madang.jobs import enqueue
from madang.models.desk import CHANNELS, KINDS, Case, Department
from madang.models.desk_suggestions import FaqCategory
from madang.statuses.create import Site
from madang.text.normalizing import normalize

DESCRIPTION_LIMIT = 4000  # Open311's limit for a request's description; the web form's too
KIND_DEFAULT = "other"


def _check(*, channel: str, kind: str, description: str, category: str | None) -> str:
    if channel not in CHANNELS:
        raise Invalid(f"접수 경로는 {', '.join(CHANNELS)} 중 하나여야 합니다", field="channel")
    if kind not in KINDS:
        raise Invalid(f"민원 종류는 {', '.join(KINDS)} 중 하나여야 합니다", field="kind")
    description = normalize(description or "").strip()
    if not description:
        raise Invalid("민원 내용을 입력해 주세요", field="description")
    if len(description) > DESCRIPTION_LIMIT:
        raise Invalid(f"민원 내용은 {DESCRIPTION_LIMIT}자까지 쓸 수 있습니다", field="description")
    if category is not None and len(category) > 50:
        raise Invalid("분류 코드는 50자까지입니다", field="category")
    return description


async def open_case(
    session: AsyncSession, *, site: Site, organisation: Account, channel: str, kind: str, description: str,
    actor_id: int | None, received_at: datetime | None = None, citizen: Account | None = None,
    guest_name: str | None = None, guest_email: str | None = None, guest_phone: str | None = None,
    category: str | None = None, department: Department | None = None, source_status_id: int | None = None,
    notify: bool = True,
) -> Case:
    """The case, numbered and due, its first history entry, and the receipt notice to the citizen.
    Callers check who may open it; this checks what is opened."""
    check_organisation(organisation)
    description = _check(channel=channel, kind=kind, description=description, category=category)
    if department is not None and (department.organisation_id != organisation.id or not department.active):
        raise Invalid("이 기관의 운영 중인 부서가 아닙니다", field="department")
    from madang.desk.public_text import public_text

    received_at = received_at or utcnow()
    now = utcnow()
    # Masked once, here, where the description is written (it is never edited afterwards):
    # public reads show the stored text instead of masking it on every read.
    masked = await public_text(session, organisation_id=organisation.id, text=description,
                               department_id=department.id if department else None)
    case = Case(
        organisation_id=organisation.id,
        number=await next_case_number(session, organisation_id=organisation.id, received_at=received_at),
        channel=channel, kind=kind, category=category, department_id=department.id if department else None,
        assignee_id=None, citizen_id=citizen.id if citizen else None,
        guest_name=_clean(guest_name, 100), guest_email=_clean(guest_email, 320), guest_phone=_clean(guest_phone, 40),
        description=description, description_public=masked, source_status_id=source_status_id, received_at=received_at,
        due_at=due_at(received_at, kind, closures=await closures_for(session, organisation.id)),
        status="received", created_at=now, updated_at=now)
    session.add(case)
    await session.flush()
    record_event(session, case, actor_id=actor_id, action="opened", note=channel)
    if category is not None and await session.scalar(select(FaqCategory.id).where(
            FaqCategory.organisation_id == organisation.id, FaqCategory.category == category,
            FaqCategory.auto_reply.is_(True))):
        # A frequently asked category's automatic first reply (desk.suggestions.auto_replies), by name.
        await enqueue(session, "desk.suggestions.auto_reply", {"case_id": case.id, "site": asdict(site)})
    if notify:
        await notify_citizen(session, site=site, organisation=organisation, case=case, what="received")
    await session.flush()
    return case


def _clean(value: str | None, limit: int) -> str | None:
    value = normalize(value or "").strip()
    if len(value) > limit:
        raise Invalid(f"{limit}자까지 쓸 수 있습니다", field="contact")
    return value or None


async def log_case(
    session: AsyncSession, *, site: Site, organisation: Account, staff: Account, channel: str, kind: str,
    description: str, citizen: Account | None = None, guest_name: str | None = None, guest_email: str | None = None,
    guest_phone: str | None = None, department: Department | None = None, received_at: datetime | None = None,
) -> Case:
    """A case a staff member writes down for a phone call or a visit."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    if channel not in ("phone", "visit"):
        raise Invalid("직원이 기록하는 민원은 전화(phone)나 방문(visit)입니다", field="channel")
    return await open_case(
        session, site=site, organisation=organisation, channel=channel, kind=kind, description=description,
        actor_id=staff.id, received_at=received_at, citizen=citizen, guest_name=guest_name, guest_email=guest_email,
        guest_phone=guest_phone, department=department)


async def open_web_case(
    session: AsyncSession, *, site: Site, organisation: Account, kind: str, description: str,
    citizen: Account | None = None, guest_name: str | None = None, guest_email: str | None = None,
    guest_phone: str | None = None, category: str | None = None,
) -> Case:
    """A case from the web form: a signed-in citizen, or a guest who leaves an e-mail address."""
    if not await has_desk(session, organisation.id):
        raise NotFound("이 기관은 민원 창구를 운영하지 않습니다", field="organisation")
    if citizen is None and not (guest_email and "@" in guest_email):
        raise Invalid("답변을 받을 이메일 주소를 입력해 주세요", field="email")
    return await open_case(
        session, site=site, organisation=organisation, channel="web", kind=kind, description=description,
        actor_id=citizen.id if citizen else None, citizen=citizen, guest_name=guest_name,
        guest_email=guest_email, guest_phone=guest_phone, category=category)


async def open_open311_case(
    session: AsyncSession, *, site: Site, organisation: Account, category: str, description: str,
    kind: str = "grievance", department: Department | None = None, guest_name: str | None = None,
    guest_email: str | None = None, guest_phone: str | None = None, received_at: datetime | None = None,
) -> Case:
    """A case from an Open311 client's service request (the service code is the category)."""
    if not category:
        raise Invalid("service_code가 필요합니다", field="service_code")
    return await open_case(
        session, site=site, organisation=organisation, channel="open311", kind=kind, description=description,
        actor_id=None, received_at=received_at, guest_name=guest_name, guest_email=guest_email,
        guest_phone=guest_phone, category=category, department=department)


# --- reading --------------------------------------------------------------------------------


async def get_case(session: AsyncSession, *, organisation_id: int, case_id: int) -> Case:
    case = await session.get(Case, case_id)
    if case is None or case.organisation_id != organisation_id:
        raise NotFound("민원을 찾을 수 없습니다", field="case")
    return case


async def find_case_by_number(session: AsyncSession, *, organisation_id: int, number: str) -> Case | None:
    return await session.scalar(select(Case).where(Case.organisation_id == organisation_id, Case.number == number))


async def get_case_for_citizen(session: AsyncSession, *, citizen: Account, case_id: int) -> Case:
    case = await session.get(Case, case_id)
    if case is None or case.citizen_id != citizen.id:
        # Someone else's case is as good as missing: its existence is private too.
        raise NotFound("민원을 찾을 수 없습니다", field="case")
    return case
