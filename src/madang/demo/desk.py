"""The demo city's 민원 desk: @anyanglove's departments and two staff members, so the demo's
mentions of the city arrive in its desk inbox (the intake jobs run after the load)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.demo.city import CITY_USERNAME
from madang.desk.organisations import add_department, add_staff, has_desk
from madang.models import Account

DEPARTMENTS = (("culture", "문화"), ("welfare", "복지"), ("education", "교육"), ("transport", "교통"),
               ("environment", "환경"), ("safety", "안전"))
# Demo citizens without a bio stand in as the city's desk staff: (username, role, department code).
STAFF = (("dongwook_seo", "triager", None), ("seojin_park", "officer", "transport"))
# Their office roles (issue 7): 서동욱 writes the city's posts, 박서진 approves them (approval on).
OFFICE_ROLES = (("dongwook_seo", "publisher"), ("seojin_park", "approver"))


async def load_desk(session: AsyncSession, *, organisation: str = CITY_USERNAME) -> None:
    org = await _local(session, organisation)
    if org is None or await has_desk(session, org.id):
        return  # a smaller test city, or loaded already
    departments = {code: await add_department(session, organisation=org, name=name, code=code)
                   for code, name in DEPARTMENTS}
    for username, role, code in STAFF:
        account = await _local(session, username)
        if account is not None:
            await add_staff(session, organisation=org, account=account, role=role,
                            department=departments[code] if code else None)
    await load_office(session, org)


async def load_office(session: AsyncSession, org: Account) -> None:
    from madang.office.approval import set_approval_required
    from madang.office.roles import assign_office_role

    for username, office_role in OFFICE_ROLES:
        account = await _local(session, username)
        if account is not None:
            await assign_office_role(session, organisation=org, account=account, office_role=office_role)
    await set_approval_required(session, organisation=org, staff=None, required=True)


async def _local(session: AsyncSession, username: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.acct_key == username, Account.domain.is_(None)))
