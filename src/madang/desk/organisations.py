"""An organisation's desk: its departments, its staff and what each role may do."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.models import Account
from madang.models.desk import STAFF_ROLES, Closure, Department, StaffMember

# Who may do what (the roles of issue 6: office admin, triager, department officer, read-only).
ADMIN = ("office_admin",)
TRIAGE = ("office_admin", "triager")
HANDLE = ("office_admin", "triager", "officer")
VIEW = STAFF_ROLES
# Who may be a case's assignee: someone who answers, not a reader.
ASSIGNABLE = ("office_admin", "officer")

ROLE_LABELS = {"office_admin": "민원 총괄", "triager": "분류 담당", "officer": "부서 담당자", "read_only": "열람"}

# The communication office's roles (issue 7: StaffMember.office_role); the desk role office_admin
# has every office right besides these. Anyone on staff may look at the office's pages.
OFFICE_WRITE = ("publisher", "approver")  # write drafts, publish when no approval is required
OFFICE_APPROVE = ("approver",)  # approve, edit, publish or send back someone else's draft
OFFICE_RESPOND = ("responder", "publisher", "approver")  # reply, boost and favourite as the organisation
OFFICE_ROLE_LABELS = {"publisher": "게시 담당", "approver": "승인 담당", "responder": "응대 담당", "read_only": "열람"}

# What a refusal names as needed (core.errors.Forbidden.needs): the roles above, and two that are
# not staff roles. The web pages keep the same keys with translatable labels (web.refusals).
STAFF, INSTANCE_ADMIN = "staff", "instance_admin"
NEEDED_LABELS = {**ROLE_LABELS, **OFFICE_ROLE_LABELS, STAFF: "기관 직원", INSTANCE_ADMIN: "서버 관리자"}


def needed(roles: tuple[str, ...]) -> tuple[str, ...]:
    """``roles`` as a refusal names them: every staff role at once is simply staff."""
    return (STAFF,) if set(STAFF_ROLES) <= set(roles) else roles


def needed_text(needs: tuple[str, ...]) -> str:
    return " 또는 ".join(NEEDED_LABELS.get(r, r) for r in needs)


def check_organisation(account: Account) -> None:
    if not account.organisation or account.domain is not None:
        raise Invalid(f"@{account.acct}은(는) 이 서버의 기관 계정이 아닙니다", field="organisation")


async def get_organisation(session: AsyncSession, username: str) -> Account:
    account = await session.scalar(select(Account).where(
        Account.acct_key == username.lstrip("@").lower(), Account.domain.is_(None)))
    if account is None:
        raise NotFound(f"@{username.lstrip('@')} 계정이 없습니다", field="organisation")
    check_organisation(account)
    return account


async def has_desk(session: AsyncSession, organisation_id: int) -> bool:
    """An organisation has a desk once it has a department or a staff member."""
    return bool(await session.scalar(select(
        exists().where(Department.organisation_id == organisation_id)
        | exists().where(StaffMember.organisation_id == organisation_id))))


# --- departments ---------------------------------------------------------------------------


async def add_department(
    session: AsyncSession, *, organisation: Account, name: str, code: str, position: int | None = None,
) -> Department:
    check_organisation(organisation)
    name, code = (name or "").strip(), (code or "").strip()
    if not name or len(name) > 100:
        raise Invalid("부서 이름은 1~100자여야 합니다", field="name")
    if not code or len(code) > 30 or any(c.isspace() for c in code):
        raise Invalid("부서 코드는 공백 없이 1~30자여야 합니다", field="code")
    if await find_department(session, organisation_id=organisation.id, code=code) is not None:
        raise Conflict(f"부서 코드 {code}은(는) 이미 있습니다", field="code")
    if position is None:
        position = int(await session.scalar(select(func.coalesce(func.max(Department.position), -1)).where(
            Department.organisation_id == organisation.id)) or 0) + 1
    department = Department(organisation_id=organisation.id, name=name, code=code, position=position,
                            active=True, created_at=utcnow())
    session.add(department)
    await session.flush()
    return department


async def find_department(session: AsyncSession, *, organisation_id: int, code: str) -> Department | None:
    return await session.scalar(select(Department).where(
        Department.organisation_id == organisation_id, Department.code == code))


async def get_department(session: AsyncSession, *, organisation_id: int, code: str) -> Department:
    department = await find_department(session, organisation_id=organisation_id, code=code)
    if department is None:
        raise NotFound(f"부서 {code}이(가) 없습니다", field="department")
    return department


async def get_department_by_id(session: AsyncSession, *, organisation_id: int, department_id: int) -> Department:
    department = await session.get(Department, department_id)
    if department is None or department.organisation_id != organisation_id:
        raise NotFound("이 기관의 부서가 아닙니다", field="department")
    return department


async def list_departments(
    session: AsyncSession, *, organisation_id: int, include_inactive: bool = False,
) -> list[Department]:
    query = select(Department).where(Department.organisation_id == organisation_id)
    if not include_inactive:
        query = query.where(Department.active.is_(True))
    return list(await session.scalars(query.order_by(Department.position, Department.id)))


# --- staff ---------------------------------------------------------------------------------


async def add_staff(
    session: AsyncSession, *, organisation: Account, account: Account, role: str,
    department: Department | None = None,
) -> StaffMember:
    check_organisation(organisation)
    if role not in STAFF_ROLES:
        raise Invalid(f"역할은 {', '.join(STAFF_ROLES)} 중 하나여야 합니다", field="role")
    if account.domain is not None or account.id == organisation.id or account.organisation:
        raise Invalid("직원은 이 서버의 개인 계정이어야 합니다", field="account")
    if role == "officer" and department is None:
        raise Invalid("부서 담당자에게는 부서가 필요합니다", field="department")
    if department is not None and department.organisation_id != organisation.id:
        raise Invalid("다른 기관의 부서입니다", field="department")
    if await find_staff(session, organisation_id=organisation.id, account_id=account.id) is not None:
        raise Conflict(f"@{account.acct}은(는) 이미 직원입니다", field="account")
    member = StaffMember(organisation_id=organisation.id, account_id=account.id, role=role,
                         department_id=department.id if department else None, created_at=utcnow())
    session.add(member)
    await session.flush()
    return member


async def find_staff(session: AsyncSession, *, organisation_id: int, account_id: int) -> StaffMember | None:
    return await session.scalar(select(StaffMember).where(
        StaffMember.organisation_id == organisation_id, StaffMember.account_id == account_id))


async def list_staff(session: AsyncSession, *, organisation_id: int) -> list[tuple[StaffMember, Account]]:
    rows = await session.execute(
        select(StaffMember, Account).join(Account, Account.id == StaffMember.account_id)
        .where(StaffMember.organisation_id == organisation_id).order_by(StaffMember.id))
    return [(m, a) for m, a in rows]


async def require_role(
    session: AsyncSession, *, organisation_id: int, account: Account, roles: tuple[str, ...],
) -> StaffMember:
    """The account's staff membership if its role is one of ``roles``; Forbidden otherwise."""
    member = await find_staff(session, organisation_id=organisation_id, account_id=account.id)
    needs = needed(roles)
    if member is None:
        raise Forbidden(f"@{account.acct}은(는) 이 기관의 민원 직원이 아닙니다", needs=needs)
    if member.role not in roles:
        # The role that is missing, not only the one held: that is what the reader can ask for.
        raise Forbidden(f"{ROLE_LABELS.get(member.role, member.role)} 역할로는 할 수 없는 일입니다. "
                        f"{needed_text(needs)} 권한이 필요합니다", needs=needs)
    return member


# --- closures ------------------------------------------------------------------------------


async def add_closure(session: AsyncSession, *, day: date, name: str, organisation: Account | None = None) -> Closure:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("휴무일 이름은 1~100자여야 합니다", field="name")
    org_id = organisation.id if organisation is not None else None
    clash = await session.scalar(select(Closure.id).where(
        Closure.day == day, Closure.organisation_id.is_(None) if org_id is None else Closure.organisation_id == org_id))
    if clash is not None:
        raise Conflict(f"{day.isoformat()}은(는) 이미 휴무일입니다", field="day")
    closure = Closure(organisation_id=org_id, day=day, name=name)
    session.add(closure)
    await session.flush()
    return closure


async def closures_for(session: AsyncSession, organisation_id: int) -> frozenset[date]:
    """The organisation's own closures and those of every desk, for deadline counting."""
    return frozenset(await session.scalars(select(Closure.day).where(
        or_(Closure.organisation_id == organisation_id, Closure.organisation_id.is_(None)))))
