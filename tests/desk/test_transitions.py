"""Refused moves say why and change nothing; transfers and merges leave their history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from madang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from madang.db import Database
from madang.desk.answers import answer_case, rate_case
from madang.desk.cases import log_case
from madang.desk.organisations import add_department
from madang.desk.transitions import (
    ask_citizen, assign_case, close_case, extend_case, merge_case, start_case, transfer_case,
)
from madang.models.desk import Case, CaseEvent
from tests.desk.city import SITE, City, clock_fixture, make_city, seoul  # noqa: F401
from tests.factories import make_account

pytestmark = pytest.mark.usefixtures("clock")


async def _open(db: Database, city: City, **kw: object) -> Case:
    async with db.write() as s:
        return await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                              kind="grievance", description="횡단보도 신호등이 너무 짧아요", citizen=city.citizen,
                              **kw)  # type: ignore[arg-type]


async def _state(db: Database, case_id: int) -> tuple:
    async with db.read() as s:
        case = await s.get(Case, case_id)
        events = await s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id))
    assert case is not None
    return (case.status, case.department_id, case.assignee_id, case.due_at, case.merged_into_id,
            case.answer_private, case.rating, events)


async def _refused(db: Database, case_id: int, error: type[DomainError], action) -> str:  # type: ignore[no-untyped-def]
    before = await _state(db, case_id)
    with pytest.raises(error) as refused:
        async with db.write() as s:
            await action(s)
    assert await _state(db, case_id) == before
    return refused.value.message


async def test_refused_moves_change_nothing(db: Database) -> None:
    city = await make_city(db)
    case = await _open(db, city, department=city.transport)
    org = city.org

    def assign(staff, assignee):  # type: ignore[no-untyped-def]
        return lambda s: assign_case(s, organisation=org, case_id=case.id, staff=staff, assignee=assignee)

    assert "직원이 아닙니다" in await _refused(db, case.id, Invalid, assign(city.triager, city.outsider))
    assert "배정할 수 없습니다" in await _refused(db, case.id, Invalid, assign(city.triager, city.reader))
    assert "다른 부서" in await _refused(db, case.id, Invalid, assign(city.triager, city.welfare_officer))
    await _refused(db, case.id, Forbidden, assign(city.reader, city.officer))
    await _refused(db, case.id, Forbidden, assign(city.outsider, city.officer))
    await _refused(db, case.id, Forbidden, assign(city.welfare_officer, city.welfare_officer))  # not their department
    await _refused(db, case.id, Invalid, lambda s: start_case(s, organisation=org, case_id=case.id, staff=city.officer))
    await _refused(db, case.id, Invalid, lambda s: transfer_case(
        s, site=SITE, organisation=org, case_id=case.id, staff=city.triager, department=city.welfare, reason=" "))
    await _refused(db, case.id, Invalid, lambda s: transfer_case(
        s, site=SITE, organisation=org, case_id=case.id, staff=city.triager, department=city.transport, reason="x"))
    async with db.write() as s:
        other = await make_account(s, username="gwacheon", organisation=True)
        foreign = await add_department(s, organisation=other, name="교통", code="transport")
    await _refused(db, case.id, NotFound, lambda s: transfer_case(
        s, site=SITE, organisation=org, case_id=case.id, staff=city.triager, department=foreign, reason="이관"))
    await _refused(db, case.id, Forbidden, lambda s: start_case(s, organisation=other, case_id=case.id,
                                                                staff=city.triager))
    await _refused(db, case.id, Invalid, lambda s: extend_case(
        s, site=SITE, organisation=org, case_id=case.id, staff=city.triager, due_at=case.due_at - timedelta(days=1),
        reason="현장 확인"))
    await _refused(db, case.id, Invalid, lambda s: merge_case(
        s, organisation=org, case_id=case.id, staff=city.triager, into_case_id=case.id))
    await _refused(db, case.id, Invalid, lambda s: rate_case(s, citizen=city.citizen, case_id=case.id, rating=5))

    async with db.write() as s:
        await assign_case(s, organisation=org, case_id=case.id, staff=city.triager, assignee=city.officer)
        await ask_citizen(s, site=SITE, organisation=org, case_id=case.id, staff=city.officer, question="어느 교차로인가요?")
    assert "종결 사유" in await _refused(db, case.id, Invalid, lambda s: close_case(
        s, organisation=org, case_id=case.id, staff=city.officer))
    async with db.write() as s:
        await close_case(s, organisation=org, case_id=case.id, staff=city.officer, note="보완 기간 안에 답이 없음")
    message = await _refused(db, case.id, Invalid, lambda s: answer_case(
        s, site=SITE, organisation=org, case_id=case.id, staff=city.officer, text="답변"))
    assert message == "종결 상태의 민원은 답변할 수 없습니다"


async def test_transfer_extend_merge_and_rating_rules(db: Database) -> None:
    city = await make_city(db)
    org = city.org
    case = await _open(db, city, department=city.transport)
    duplicate = await _open(db, city, department=city.transport)
    async with db.write() as s:
        await assign_case(s, organisation=org, case_id=case.id, staff=city.triager, assignee=city.officer)
        await transfer_case(s, site=SITE, organisation=org, case_id=case.id, staff=city.officer,
                            department=city.welfare, reason="노인 보행 지원은 복지 부서 소관")
    async with db.read() as s:
        moved = await s.get(Case, case.id)
    assert (moved.status, moved.department_id, moved.assignee_id) == ("transferred", city.welfare.id, None)
    async with db.write() as s:
        await assign_case(s, organisation=org, case_id=case.id, staff=city.triager, assignee=city.welfare_officer)
        await extend_case(s, site=SITE, organisation=org, case_id=case.id, staff=city.welfare_officer,
                          due_at=seoul(2026, 3, 20, 18, 0), reason="현장 조사가 필요합니다")
        await merge_case(s, organisation=org, case_id=duplicate.id, staff=city.triager, into_case_id=case.id)
        await answer_case(s, site=SITE, organisation=org, case_id=case.id, staff=city.welfare_officer,
                          text="보행 신호를 5초 늘렸습니다.")
        events = [(e.action, e.note) for e in await s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id))]
    assert [a for a, _ in events] == ["opened", "assign", "transfer", "assign", "extend", "answer"]
    assert events[2][1] == "노인 보행 지원은 복지 부서 소관" and events[4][1] == "현장 조사가 필요합니다"
    async with db.read() as s:
        merged = await s.get(Case, duplicate.id)
        done = await s.get(Case, case.id)
    assert (merged.status, merged.merged_into_id) == ("merged", case.id)
    assert done.due_at == seoul(2026, 3, 20, 18, 0)
    await _refused(db, case.id, Invalid, lambda s: rate_case(s, citizen=city.citizen, case_id=case.id, rating=6))
    await _refused(db, case.id, NotFound, lambda s: rate_case(s, citizen=city.outsider, case_id=case.id, rating=4))
    async with db.write() as s:
        await rate_case(s, citizen=city.citizen, case_id=case.id, rating=4)
    await _refused(db, case.id, Conflict, lambda s: rate_case(s, citizen=city.citizen, case_id=case.id, rating=1))


async def test_closures_push_the_due_date_and_staff_views_of_personal_data_are_logged(db: Database) -> None:
    from madang.desk.organisations import add_closure
    from madang.desk.privacy import list_personal_data_views, public_description, reveal_case

    city = await make_city(db)
    async with db.write() as s:
        await add_closure(s, day=seoul(2026, 3, 4, 0, 0).date(), name="시청 전산 점검", organisation=city.org)
    case = await _open(db, city)
    # 고충민원 from Tuesday 3 March: Wednesday the 4th is closed, so Thursday 12 March instead of the 11th.
    assert case.due_at == seoul(2026, 3, 12, 18, 0)
    async with db.write() as s:
        await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="visit", kind="other",
                       description="제 번호는 010-1234-5678 입니다", guest_phone="010-1234-5678")
    async with db.write() as s:
        visited = await s.scalar(select(Case).where(Case.channel == "visit"))
        assert public_description(visited) == "제 번호는 010-****-5678 입니다"
        shown = await reveal_case(s, organisation=city.org, case_id=visited.id, staff=city.triager)
        assert shown.guest_phone == "010-1234-5678"
    for stranger in (city.outsider, city.reader):  # read-only staff see the masked text only
        with pytest.raises(Forbidden):
            async with db.write() as s:
                await reveal_case(s, organisation=city.org, case_id=visited.id, staff=stranger)
    async with db.read() as s:
        views = await list_personal_data_views(s, case_id=visited.id)
    assert [v.account_id for v in views] == [city.triager.id]


async def test_only_who_may_answer_a_case_sees_its_personal_data(db: Database) -> None:
    """Issue 13: a 교통 officer saw the unmasked question of a 복지 case they may not answer."""
    from madang.desk.privacy import list_personal_data_views, reveal_case

    city = await make_city(db)
    async with db.write() as s:
        case = await log_case(s, site=SITE, organisation=city.org, staff=city.triager, channel="phone",
                              kind="other", description="주민번호 900101-1234567", department=city.welfare)
    refusals = []
    for other in (city.officer, city.reader):
        with pytest.raises(Forbidden) as refused:
            async with db.write() as s:
                await reveal_case(s, organisation=city.org, case_id=case.id, staff=other)
        refusals.append(str(refused.value))
        # Answering is refused for the same reason, by the same check.
        with pytest.raises(Forbidden) as answering:
            async with db.write() as s:
                await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=other, text="답변")
        assert str(answering.value) == refusals[-1]
    async with db.write() as s:
        shown = await reveal_case(s, organisation=city.org, case_id=case.id, staff=city.welfare_officer)
        assert shown.description == "주민번호 900101-1234567"
    async with db.read() as s:
        views = await list_personal_data_views(s, case_id=case.id)
    assert [v.account_id for v in views] == [city.welfare_officer.id]
