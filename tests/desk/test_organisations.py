"""Departments and staff of an organisation's desk, and who may do what."""

from __future__ import annotations

import pytest

from madang.core.errors import Conflict, Forbidden, Invalid
from madang.db import Database
from madang.desk.organisations import (
    HANDLE, TRIAGE, add_department, add_staff, has_desk, list_departments, list_staff, require_role,
)
from tests.desk.city import make_city
from tests.factories import make_account


async def test_departments_and_staff_are_listed_in_order(db: Database) -> None:
    city = await make_city(db)
    async with db.read() as s:
        assert [d.name for d in await list_departments(s, organisation_id=city.org.id)] == ["교통", "복지"]
        staff = {a.username: m.role for m, a in await list_staff(s, organisation_id=city.org.id)}
        assert staff == {"desk_admin": "office_admin", "desk_triager": "triager", "desk_officer": "officer",
                         "welfare_officer": "officer", "desk_reader": "read_only"}
        assert await has_desk(s, city.org.id)
        assert not await has_desk(s, city.citizen.id)


async def test_bad_departments_and_staff_are_refused(db: Database) -> None:
    city = await make_city(db)
    async with db.write() as s:
        with pytest.raises(Conflict):
            await add_department(s, organisation=city.org, name="교통2", code="transport")
        with pytest.raises(Invalid):
            await add_department(s, organisation=city.citizen, name="민수네", code="home")  # not an organisation
        with pytest.raises(Invalid):
            await add_staff(s, organisation=city.org, account=city.outsider, role="officer")  # no department
        with pytest.raises(Invalid):
            await add_staff(s, organisation=city.org, account=city.outsider, role="mayor")
        with pytest.raises(Conflict):
            await add_staff(s, organisation=city.org, account=city.triager, role="officer", department=city.welfare)
        other = await make_account(s, username="gwacheon", organisation=True)
        foreign = await add_department(s, organisation=other, name="교통", code="transport")
        with pytest.raises(Invalid):
            await add_staff(s, organisation=city.org, account=city.outsider, role="officer", department=foreign)
    async with db.read() as s:
        assert len(await list_staff(s, organisation_id=city.org.id)) == 5


async def test_require_role(db: Database) -> None:
    city = await make_city(db)
    async with db.read() as s:
        assert (await require_role(s, organisation_id=city.org.id, account=city.triager, roles=TRIAGE)).role == "triager"
        with pytest.raises(Forbidden):
            await require_role(s, organisation_id=city.org.id, account=city.reader, roles=HANDLE)
        with pytest.raises(Forbidden):
            await require_role(s, organisation_id=city.org.id, account=city.outsider, roles=HANDLE)
