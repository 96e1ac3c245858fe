"""The demo city's 민원 desk (the [desk] table of city.toml): @anyanglove's departments and staff,
so the demo's mentions of the city arrive in its desk inbox (the intake jobs run after the load),
and their roles in the communication office."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.demo.city import CITY, DemoCity
from madang.desk.organisations import add_department, add_staff, has_desk
from madang.models import Account


async def load_desk(session: AsyncSession, city: DemoCity = CITY) -> None:
    org = await _local(session, city.city)
    if org is None or await has_desk(session, org.id):
        return  # a smaller test city, or loaded already
    from madang.desk.published_contacts import add_contact

    for number in city.published_numbers:  # before any case is written: stored descriptions keep it
        await add_contact(session, organisation=org, staff=None, value=number)
    departments = {code: await add_department(session, organisation=org, name=name, code=code)
                   for code, name in city.departments}
    for member in city.staff:
        account = await _local(session, member.username)
        if account is not None:
            await add_staff(session, organisation=org, account=account, role=member.role,
                            department=departments[member.department] if member.department else None)
    await load_office(session, org, city)


async def load_office(session: AsyncSession, org: Account, city: DemoCity = CITY) -> None:
    from madang.office.approval import set_approval_required
    from madang.office.roles import assign_office_role

    for member in city.staff:
        account = await _local(session, member.username)
        if account is not None and member.office_role:
            await assign_office_role(session, organisation=org, account=account, office_role=member.office_role)
    await set_approval_required(session, organisation=org, staff=None, required=city.approval_required)


async def _local(session: AsyncSession, username: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.acct_key == username, Account.domain.is_(None)))
