"""Who may do what in the communication office: the office role beside the desk role.

The desk role office_admin has every office right; publisher, approver and responder add the
rights of issue 7; everyone on an organisation's staff may look at its office pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Forbidden, Invalid, NotFound
from madang.desk.organisations import (
    ADMIN, OFFICE_APPROVE, OFFICE_RESPOND, OFFICE_ROLE_LABELS, OFFICE_WRITE, STAFF, check_organisation, find_staff,
)
from madang.models import Account
from madang.models.desk import OFFICE_ROLES, StaffMember

RIGHTS = ("view", "write", "approve", "respond", "manage")
_BY_ROLE = {"write": OFFICE_WRITE, "approve": OFFICE_APPROVE, "respond": OFFICE_RESPOND, "manage": ()}
_REFUSALS = {
    "write": "게시 담당이나 승인 담당만 기관 이름으로 글을 쓸 수 있습니다",
    "approve": "승인 담당만 할 수 있는 일입니다",
    "respond": "응대 담당만 기관 이름으로 답글을 달 수 있습니다",
    "manage": "민원 총괄만 할 수 있는 일입니다",
}


def roles_for(right: str) -> tuple[str, ...]:
    """The roles that carry ``right``, as a refusal names them (core.errors.Forbidden.needs)."""
    if right == "view":
        return (STAFF,)
    return (*ADMIN, *_BY_ROLE[right])


def refusal(right: str) -> Forbidden:
    """The refusal of someone without ``right``, naming the roles that carry it."""
    return Forbidden(_REFUSALS.get(right, "기관 직원만 할 수 있는 일입니다"), needs=roles_for(right))


def has_right(member: StaffMember, right: str) -> bool:
    if right == "view" or member.role in ADMIN:
        return True
    return member.office_role in _BY_ROLE[right]


async def require_office(session: AsyncSession, *, organisation_id: int, account: Account, right: str) -> StaffMember:
    """The account's staff membership if it carries ``right``; Forbidden otherwise."""
    member = await find_staff(session, organisation_id=organisation_id, account_id=account.id)
    if member is None:
        raise Forbidden(f"@{account.acct}은(는) 이 기관의 직원이 아닙니다", needs=roles_for(right))
    if not has_right(member, right):
        raise refusal(right)
    return member


@dataclass
class OfficeMembership:
    organisation: Account
    member: StaffMember

    def can(self, right: str) -> bool:
        return has_right(self.member, right)


async def office_memberships(session: AsyncSession, *, account: Account) -> list[OfficeMembership]:
    """The organisations whose staff the account is on, oldest membership first."""
    rows = await session.execute(
        select(StaffMember, Account).join(Account, Account.id == StaffMember.organisation_id)
        .where(StaffMember.account_id == account.id).order_by(StaffMember.id))
    return [OfficeMembership(org, member) for member, org in rows]


def check_office_role(office_role: str | None) -> str | None:
    if office_role in (None, "", "none"):
        return None
    if office_role not in OFFICE_ROLES:
        raise Invalid(f"홍보 역할은 {', '.join(OFFICE_ROLES)} 중 하나여야 합니다", field="office_role")
    return office_role


async def assign_office_role(
    session: AsyncSession, *, organisation: Account, account: Account, office_role: str | None,
) -> StaffMember:
    """Set a staff member's office role (None takes it away); for the CLI and the demo."""
    check_organisation(organisation)
    office_role = check_office_role(office_role)
    member = await find_staff(session, organisation_id=organisation.id, account_id=account.id)
    if member is None:
        raise NotFound(f"@{account.acct}은(는) 이 기관의 직원이 아닙니다. 먼저 직원으로 등록하세요", field="account")
    member.office_role = office_role
    await session.flush()
    return member


async def change_office_role(
    session: AsyncSession, *, organisation: Account, staff: Account, member_id: int, office_role: str | None,
) -> StaffMember:
    """An office admin gives a colleague an office role on the web."""
    await require_office(session, organisation_id=organisation.id, account=staff, right="manage")
    member = await session.get(StaffMember, member_id)
    if member is None or member.organisation_id != organisation.id:
        raise NotFound("이 기관의 직원이 아닙니다", field="member")
    member.office_role = check_office_role(office_role)
    await session.flush()
    return member


def office_role_label(office_role: str | None) -> str:
    return OFFICE_ROLE_LABELS.get(office_role or "", "없음")
