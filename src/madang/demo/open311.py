"""The demo city's Open311 services (the [[open311]] tables of city.toml): one or more per
department, some asking for attributes (a pole number, a car plate and a time, a photo), so an
Open311 app has something to show."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.demo.city import CITY, DemoCity
from madang.desk.organisations import find_department
from madang.desk.services import add_service
from madang.models import Account
from madang.models.open311 import Service


async def load_open311(session: AsyncSession, city: DemoCity = CITY) -> None:
    org = await session.scalar(select(Account).where(Account.acct_key == city.city, Account.domain.is_(None)))
    if org is None or await session.scalar(select(Service.id).where(Service.organisation_id == org.id).limit(1)):
        return  # a smaller test city, or loaded already
    for s in city.services:
        department = await find_department(session, organisation_id=org.id, code=s.department)
        await add_service(session, organisation=org, service_code=s.code, name=s.name, description=s.description,
                          department=department, keywords=s.name.replace(" ", ","), group=s.group, notice=s.notice,
                          attributes=[dict(a) for a in s.attributes])


# The services as (code, name, department code, group, description, notice, attributes) rows.
SERVICES = tuple((s.code, s.name, s.department, s.group, s.description, s.notice, [dict(a) for a in s.attributes])
                 for s in CITY.services)
