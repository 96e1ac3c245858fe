"""What the organisation says in public is masked once, where it is written, with the contacts it
publishes left as they are (issue 13; decision 0028)."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from sqlalchemy import select, update

from madang.core.errors import Conflict, Forbidden, Invalid
from madang.db import Database
from madang.db.migrate import alembic_config
from madang.desk.answers import answer_case
from madang.desk.cases import log_case
from madang.desk.privacy import public_description
from madang.desk.published_contacts import add_contact, list_contacts, published_contacts, remove_contact
from madang.models.desk import Case
from tests.desk.city import SITE, City, clock_fixture, make_city  # noqa: F401

pytestmark = pytest.mark.usefixtures("clock")

CITY_PHONE = "031-8045-0000"  # the city's published number
TRANSPORT_PHONE = "031-8045-2331"  # 교통과's
CITIZEN_PHONE = "010-1234-5678"


async def _publish(db: Database, city: City) -> None:
    async with db.write() as s:
        await add_contact(s, organisation=city.org, staff=city.admin, value=CITY_PHONE)
        await add_contact(s, organisation=city.org, staff=city.admin, value=TRANSPORT_PHONE,
                          department_id=city.transport.id)
        await add_contact(s, organisation=city.org, staff=city.admin, value="minwon@anyang.go.kr")


async def _log(db: Database, city: City, text: str, **kw: object) -> Case:
    async with db.write() as s:
        return await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                              kind="other", description=text, citizen=city.citizen, **kw)  # type: ignore[arg-type]


async def test_the_description_is_stored_masked_and_public_reads_read_it(db: Database) -> None:
    city = await make_city(db)
    await _publish(db, city)
    case = await _log(db, city, f"제 번호 {CITIZEN_PHONE}, 시청 {CITY_PHONE}, 주민번호 900101-1234567-900101-1234567")
    async with db.read() as s:
        stored = await s.get(Case, case.id)
        assert stored is not None
        assert stored.description_public == "제 번호 010-****-5678, 시청 031-8045-0000, 주민번호 ******-*******-******-*******"
        # The public surfaces read the stored text (not a masking of the original on each read).
        await s.execute(update(Case).where(Case.id == case.id).values(description_public="(저장된 가린 글)"))
        again = await s.get(Case, case.id, populate_existing=True)
        assert again is not None and public_description(again) == "(저장된 가린 글)"


async def test_answers_keep_the_published_contacts_of_the_organisation_and_the_department(db: Database) -> None:
    city = await make_city(db)
    await _publish(db, city)
    text = f"문의는 {CITY_PHONE}, 교통과 {TRANSPORT_PHONE}, minwon@anyang.go.kr 로. 담당 휴대폰 {CITIZEN_PHONE}"
    in_transport = await _log(db, city, "신호등 문의", department=city.transport)
    in_welfare = await _log(db, city, "복지 문의", department=city.welfare)
    async with db.write() as s:
        transport = await answer_case(s, site=SITE, organisation=city.org, case_id=in_transport.id,
                                      staff=city.admin, text=text)
        welfare = await answer_case(s, site=SITE, organisation=city.org, case_id=in_welfare.id,
                                    staff=city.admin, text=text)
    assert transport.answer_public == (f"문의는 {CITY_PHONE}, 교통과 {TRANSPORT_PHONE}, minwon@anyang.go.kr 로. "
                                       "담당 휴대폰 010-****-5678")
    # Another department's answer keeps the city's contacts, not 교통과's.
    assert welfare.answer_public == (f"문의는 {CITY_PHONE}, 교통과 031-****-2331, minwon@anyang.go.kr 로. "
                                     "담당 휴대폰 010-****-5678")


async def test_only_office_admins_keep_the_list_of_one_phone_or_address_each(db: Database) -> None:
    city = await make_city(db)
    await _publish(db, city)
    for value in ("", "시청", "031-8045-0000, 031-8045-0001", "주민번호 900101-1234567", "900101-1234567"):
        with pytest.raises(Invalid):
            async with db.write() as s:
                await add_contact(s, organisation=city.org, staff=city.admin, value=value)
    with pytest.raises(Conflict):
        async with db.write() as s:
            await add_contact(s, organisation=city.org, staff=city.admin, value=CITY_PHONE)
    for other in (city.triager, city.officer, city.reader, city.outsider):
        with pytest.raises(Forbidden):
            async with db.write() as s:
                await add_contact(s, organisation=city.org, staff=other, value="031-8045-9999")
    async with db.write() as s:
        rows = await list_contacts(s, organisation=city.org, staff=city.admin)
        await remove_contact(s, organisation=city.org, staff=city.admin, contact_id=rows[0].id)
        assert sorted(await published_contacts(s, organisation_id=city.org.id)) == ["minwon@anyang.go.kr"]


async def test_the_migration_back_fills_the_masked_description(db: Database) -> None:
    city = await make_city(db)
    case = await _log(db, city, f"연락처 {CITIZEN_PHONE}")
    url = db.url
    await db.dispose()
    config = alembic_config(url)
    # Alembic runs its own event loop: on a thread of its own.
    await asyncio.to_thread(command.downgrade, config, "0027")
    await asyncio.to_thread(command.upgrade, config, "head")
    fresh = Database(url)
    try:
        async with fresh.read() as s:
            assert await s.scalar(select(Case.description_public).where(Case.id == case.id)) == "연락처 010-****-5678"
    finally:
        await fresh.dispose()
