"""A small city with a desk for the desk tests: the organisation, two departments, staff in each
role, a citizen and an outsider; and a frozen clock on a working Tuesday morning in Seoul."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from madang.core import clock as clock_module
from madang.core.clock import FrozenClock, set_clock
from madang.db import Database
from madang.desk.organisations import add_department, add_staff
from madang.models import Account
from madang.models.desk import Department
from tests.factories import SITE, make_account

SEOUL = ZoneInfo("Asia/Seoul")
# Tuesday 3 March 2026, 10:00 in Seoul: a working day (Monday the 2nd is 삼일절's substitute holiday).
START = datetime(2026, 3, 3, 10, 0, tzinfo=SEOUL)


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[FrozenClock]:
    real = clock_module.clock
    frozen = FrozenClock(START.astimezone(timezone.utc))
    set_clock(frozen)
    try:
        yield frozen
    finally:
        set_clock(real)


@dataclass
class City:
    org: Account
    transport: Department  # 교통
    welfare: Department  # 복지
    admin: Account
    triager: Account
    officer: Account  # 교통
    welfare_officer: Account  # 복지
    reader: Account
    citizen: Account
    outsider: Account


async def make_city(db: Database) -> City:
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        transport = await add_department(s, organisation=org, name="교통", code="transport")
        welfare = await add_department(s, organisation=org, name="복지", code="welfare")
        people = {}
        for name in ("desk_admin", "desk_triager", "desk_officer", "welfare_officer", "desk_reader", "minsu",
                     "outsider"):
            people[name] = await make_account(s, username=name)
        await add_staff(s, organisation=org, account=people["desk_admin"], role="office_admin")
        await add_staff(s, organisation=org, account=people["desk_triager"], role="triager")
        await add_staff(s, organisation=org, account=people["desk_officer"], role="officer", department=transport)
        await add_staff(s, organisation=org, account=people["welfare_officer"], role="officer", department=welfare)
        await add_staff(s, organisation=org, account=people["desk_reader"], role="read_only")
    return City(org, transport, welfare, people["desk_admin"], people["desk_triager"], people["desk_officer"],
                people["welfare_officer"], people["desk_reader"], people["minsu"], people["outsider"])


__all__ = ["SITE", "START", "City", "clock_fixture", "make_city", "seoul"]
