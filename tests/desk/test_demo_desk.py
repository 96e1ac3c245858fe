"""The demo city comes with @anyanglove's desk, and its citizens' mentions wait in the inbox."""

from __future__ import annotations

from sqlalchemy import select

from madang.app import register_jobs
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.loader import load_demo
from madang.desk.inbox import list_inbox
from madang.desk.organisations import list_departments, list_staff
from madang.models import Account


async def test_the_demo_city_has_a_desk_with_an_inbox(db: Database) -> None:
    register_jobs()  # as `madang demo load` does
    await load_demo(db, Settings())
    async with db.read() as s:
        city = await s.scalar(select(Account).where(Account.acct_key == "anyanglove"))
        assert city is not None
        assert [d.name for d in await list_departments(s, organisation_id=city.id)] == [
            "문화", "복지", "교육", "교통", "환경", "안전"]
        staff = {a.username: m.role for m, a in await list_staff(s, organisation_id=city.id)}
        assert staff == {"dongwook_seo": "triager", "seojin_park": "officer", "jiyoung_choi": "office_admin"}
        triager = await s.scalar(select(Account).where(Account.acct_key == "dongwook_seo"))
        inbox = await list_inbox(s, organisation=city, staff=triager, limit=200)
    assert any("가로등" in status.text for _, status in inbox)
    assert all(status.account_id != city.id for _, status in inbox)
