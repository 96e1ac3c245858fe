"""What an office admin changes about their desk on the web: departments (add, rename, retire),
staff (add by username, change role, remove) and office closures. Each checks the admin's role
first, then what is changed, so a refused change writes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk import organisations as orgs
from madang.desk.organisations import ADMIN, require_role
from madang.desk.stats import dashboard_organisation
from madang.models import Account
from madang.models.desk import STAFF_ROLES, Closure, Department, StaffMember


async def admin_desk(session: AsyncSession, *, staff: Account, organisation: str | None = None) -> Account:
    """The organisation whose desk ``staff`` administers; Forbidden unless an office admin."""
    org, _ = await dashboard_organisation(session, staff=staff, username=organisation, roles=ADMIN)
    return org


# --- departments ---------------------------------------------------------------------------


async def add_department(session: AsyncSession, *, organisation: Account, staff: Account, name: str,
                         code: str) -> Department:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return await orgs.add_department(session, organisation=organisation, name=name, code=code)


async def rename_department(session: AsyncSession, *, organisation: Account, staff: Account, department_id: int,
                            name: str) -> Department:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    department = await orgs.get_department_by_id(session, organisation_id=organisation.id,
                                                 department_id=department_id)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("부서 이름은 1~100자여야 합니다", field="name")
    department.name = name
    await session.flush()
    return department


async def set_department_active(session: AsyncSession, *, organisation: Account, staff: Account,
                                department_id: int, active: bool) -> Department:
    """Retire a department (its cases keep it; no new case goes to it), or bring it back."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    department = await orgs.get_department_by_id(session, organisation_id=organisation.id,
                                                 department_id=department_id)
    if not active:
        officers = await session.scalar(select(func.count()).select_from(StaffMember).where(
            StaffMember.department_id == department.id, StaffMember.role == "officer"))
        if officers:
            raise Conflict(f"이 부서에 부서 담당자가 {officers}명 있습니다: 먼저 다른 부서로 옮겨 주세요",
                           field="department")
    department.active = active
    await session.flush()
    return department


# --- staff ---------------------------------------------------------------------------------


async def _department_or_none(session: AsyncSession, organisation: Account, department_id: int | None
                              ) -> Department | None:
    if department_id is None:
        return None
    department = await orgs.get_department_by_id(session, organisation_id=organisation.id,
                                                 department_id=department_id)
    if not department.active:
        raise Invalid("운영을 멈춘 부서입니다", field="department")
    return department


async def add_staff(session: AsyncSession, *, organisation: Account, staff: Account, username: str, role: str,
                    department_id: int | None = None) -> StaffMember:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    username = (username or "").strip().lstrip("@").lower()
    if not username:
        raise Invalid("사용자 이름을 입력해 주세요", field="username")
    account = await session.scalar(select(Account).where(Account.acct_key == username, Account.domain.is_(None)))
    if account is None:
        raise NotFound(f"@{username} 사용자가 이 서버에 없습니다", field="username")
    department = await _department_or_none(session, organisation, department_id)
    return await orgs.add_staff(session, organisation=organisation, account=account, role=role,
                                department=department)


async def _member(session: AsyncSession, organisation: Account, member_id: int) -> StaffMember:
    member = await session.get(StaffMember, member_id)
    if member is None or member.organisation_id != organisation.id:
        raise NotFound("이 기관의 직원이 아닙니다", field="staff")
    return member


async def _keep_an_admin(session: AsyncSession, organisation: Account, member: StaffMember) -> None:
    if member.role != "office_admin":
        return
    admins = await session.scalar(select(func.count()).select_from(StaffMember).where(
        StaffMember.organisation_id == organisation.id, StaffMember.role == "office_admin"))
    if (admins or 0) <= 1:
        raise Conflict("민원 총괄이 한 명은 있어야 합니다", field="role")


async def change_staff_role(session: AsyncSession, *, organisation: Account, staff: Account, member_id: int,
                            role: str, department_id: int | None = None) -> StaffMember:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    member = await _member(session, organisation, member_id)
    if role not in STAFF_ROLES:
        raise Invalid(f"역할은 {', '.join(STAFF_ROLES)} 중 하나여야 합니다", field="role")
    department = await _department_or_none(session, organisation, department_id)
    if role == "officer" and department is None:
        raise Invalid("부서 담당자에게는 부서가 필요합니다", field="department")
    if role != "office_admin":
        await _keep_an_admin(session, organisation, member)
    member.role = role
    member.department_id = department.id if department else None
    await session.flush()
    return member


async def remove_staff(session: AsyncSession, *, organisation: Account, staff: Account, member_id: int) -> None:
    """The account stops being staff; the cases and history it touched keep naming it."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    member = await _member(session, organisation, member_id)
    await _keep_an_admin(session, organisation, member)
    await session.execute(delete(StaffMember).where(StaffMember.id == member.id))
    session.expunge(member)
    await session.flush()


# --- closures ------------------------------------------------------------------------------


async def list_closures(session: AsyncSession, *, organisation: Account) -> list[Closure]:
    return list(await session.scalars(select(Closure).where(Closure.organisation_id == organisation.id)
                                      .order_by(Closure.day)))


async def add_closure(session: AsyncSession, *, organisation: Account, staff: Account, day: date,
                      name: str) -> Closure:
    """A day this office is closed; cases received before it keep their due dates (the law
    counts the days as they were known at receipt)."""
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    return await orgs.add_closure(session, day=day, name=name, organisation=organisation)


async def remove_closure(session: AsyncSession, *, organisation: Account, staff: Account, closure_id: int) -> None:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=ADMIN)
    closure = await session.get(Closure, closure_id)
    if closure is None or closure.organisation_id != organisation.id:
        raise NotFound("이 기관의 휴무일이 아닙니다", field="closure")
    await session.execute(delete(Closure).where(Closure.id == closure.id))
    session.expunge(closure)
    await session.flush()
