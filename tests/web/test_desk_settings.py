"""The office's desk settings on a real server: only office admins; each change lands, a bad one is
refused with its reason next to the field and writes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from madang.accounts.queries import find_account_by_acct
from madang.db import Database
from madang.desk.organisations import add_department, add_staff
from madang.models.desk import Closure, Department, StaffMember
from madang.models.desk_canned import CannedAnswer, CannedAnswerChange
from tests.factories import make_account
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def run(url: str, work: Any) -> Any:
    async def go() -> Any:
        db = Database(url)
        try:
            async with db.write() as s:
                result = await work(s)
                # Results are read while the session is open.
                return result.all() if hasattr(result, "all") else result
        finally:
            await db.dispose()
    return asyncio.run(go())


def seed(url: str) -> None:
    async def work(s: Any) -> None:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        transport = await add_department(s, organisation=org, name="교통", code="transport")
        for username, role in (("boss", "office_admin"), ("reader", "read_only")):
            await add_staff(s, organisation=org, account=await find_account_by_acct(s, username), role=role,
                            department=transport if role == "officer" else None)
    run(url, work)


def count(url: str, model: Any) -> int:
    async def work(s: Any) -> int:
        return int(await s.scalar(select(func.count()).select_from(model)))
    return run(url, work)


def test_an_office_admin_manages_the_desk(web_base: str, database_url: str) -> None:
    boss, reader = WebClient(web_base), WebClient(web_base)
    try:
        boss.sign_up("boss", PASSWORD)
        reader.sign_up("reader", PASSWORD)
        WebClient(web_base).sign_up("seojin_park", PASSWORD)
        seed(database_url)

        # Not an office admin: 403 in Korean, on the page and on a form.
        refused = reader.get("/desk/settings/departments")
        assert refused.status_code == 403 and "이 페이지는 민원 총괄 권한이 필요합니다." in refused.text
        assert reader.post("/desk/settings/departments", {"name": "환경", "code": "env"}).status_code == 403
        assert count(database_url, Department) == 1

        # Departments: add, a clash refused, rename.
        added = boss.post("/desk/settings/departments", {"name": "환경", "code": "environment"})
        assert added.status_code == 303
        page = boss.follow(added)
        assert "민원 설정을 바꿨습니다." in page.text and "환경" in page.text
        clash = boss.post("/desk/settings/departments", {"name": "환경2", "code": "environment"})
        assert clash.status_code == 422 and 'id="f-code-error"' in clash.text and "이미 있습니다" in clash.text
        assert 'value="환경2"' in clash.text
        assert count(database_url, Department) == 2

        # Staff: an unknown username is refused, a real one added as an officer of 교통.
        departments = run(database_url, lambda s: s.scalars(select(Department).order_by(Department.position)))
        transport_id = [d for d in departments if d.code == "transport"][0].id
        unknown = boss.post("/desk/settings/staff", {"username": "nobody", "role": "officer",
                                                     "department": str(transport_id)})
        assert unknown.status_code == 422 and 'id="f-username-error"' in unknown.text and "@nobody" in unknown.text
        no_department = boss.post("/desk/settings/staff", {"username": "seojin_park", "role": "officer",
                                                           "department": ""})
        assert no_department.status_code == 422 and 'id="f-department-error"' in no_department.text
        assert count(database_url, StaffMember) == 2
        ok = boss.post("/desk/settings/staff", {"username": "@seojin_park", "role": "officer",
                                                "department": str(transport_id)})
        assert ok.status_code == 303
        assert "@seojin_park" in boss.follow(ok).text
        assert count(database_url, StaffMember) == 3

        # Canned answers: an empty text is refused, a good one added, then deleted; both on record.
        empty = boss.post("/desk/settings/canned", {"title": "가로등 고장", "text": "  ", "department": "",
                                                    "category": ""})
        assert empty.status_code == 422 and 'id="f-new-text-error"' in empty.text and 'value="가로등 고장"' in empty.text
        assert count(database_url, CannedAnswer) == 0
        made = boss.post("/desk/settings/canned", {"title": "가로등 고장", "text": "접수했습니다. 3일 안에 고칩니다.",
                                                   "department": str(transport_id), "category": "streetlight"})
        assert made.status_code == 303 and "3일 안에 고칩니다" in boss.follow(made).text
        canned_id = run(database_url, lambda s: s.scalar(select(CannedAnswer.id)))
        assert boss.post(f"/desk/settings/canned/{canned_id}/delete", {}).status_code == 303
        assert count(database_url, CannedAnswer) == 0
        actions = run(database_url, lambda s: s.scalars(select(CannedAnswerChange.action)))
        assert sorted(actions) == ["add", "delete"]

        # Closures: a bad date refused, a good one listed.
        bad = boss.post("/desk/settings/closures", {"day": "2026-02-30", "name": "창립기념일"})
        assert bad.status_code == 422 and 'id="f-day-error"' in bad.text and 'value="창립기념일"' in bad.text
        assert count(database_url, Closure) == 0
        good = boss.post("/desk/settings/closures", {"day": "2026-12-24", "name": "창립기념일"})
        assert good.status_code == 303 and "2026-12-24 · 창립기념일" in boss.follow(good).text
        assert count(database_url, Closure) == 1
    finally:
        boss.close()
        reader.close()


def test_the_last_office_admin_cannot_be_removed(sqlite_web_base: str, sqlite_url: str) -> None:
    boss = WebClient(sqlite_web_base)
    try:
        boss.sign_up("boss", PASSWORD)
        WebClient(sqlite_web_base).sign_up("reader", PASSWORD)
        seed(sqlite_url)
        member_id = run(sqlite_url, lambda s: s.scalar(select(StaffMember.id).where(StaffMember.role == "office_admin")))
        refused = boss.post(f"/desk/settings/staff/{member_id}/remove", {})
        assert refused.status_code == 422 and "민원 총괄이 한 명은 있어야 합니다" in refused.text
        assert count(sqlite_url, StaffMember) == 2
        assert boss.get("/desk/settings/nothing").status_code == 404
    finally:
        boss.close()
