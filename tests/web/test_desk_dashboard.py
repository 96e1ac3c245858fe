"""The desk dashboard on a real server: counts, the overdue list, the weekly table and its CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from madang.accounts.queries import find_account_by_acct
from madang.db import Database
from madang.desk.organisations import add_department, add_staff
from madang.desk.services import add_service
from madang.models.desk import Case, CaseEvent
from tests.factories import make_account
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def seed(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        now = datetime.now(timezone.utc)
        async with db.write() as s:
            org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
            transport = await add_department(s, organisation=org, name="교통", code="transport")
            await add_service(s, organisation=org, service_code="streetlight", name="가로등 고장")
            for username, role in (("desk_reader", "read_only"),):
                account = await find_account_by_acct(s, username)
                await add_staff(s, organisation=org, account=account, role=role)
            for n, (status, hours_ago, answered) in enumerate(
                    [("assigned", 30, None), ("answered", 50, 2), ("received", 1, None), ("in_progress", 5, None)]):
                received = now - timedelta(hours=hours_ago)
                due = now - timedelta(hours=1) if n == 0 else now + timedelta(days=3)
                case = Case(organisation_id=org.id, number=f"2026-{n + 1:06d}", channel="web", kind="other",
                            category="streetlight", department_id=transport.id if n != 2 else None, status=status,
                            description="가로등", received_at=received, due_at=due,
                            answered_at=received + timedelta(hours=answered) if answered else None,
                            created_at=received, updated_at=received)
                s.add(case)
                await s.flush()
                if answered:
                    s.add(CaseEvent(case_id=case.id, at=received + timedelta(hours=answered), action="answer",
                                    note=""))
        await db.dispose()

    asyncio.run(go())


def test_staff_see_counts_overdue_and_the_csv(web_base: str, database_url: str) -> None:
    reader, stranger = WebClient(web_base), WebClient(web_base)
    try:
        reader.sign_up("desk_reader", PASSWORD)
        stranger.sign_up("minsu", PASSWORD)
        seed(database_url)
        page = reader.get("/desk/dashboard")
        assert page.status_code == 200, page.text
        text = page.text
        assert "민원 현황" in text and "@anyanglove" in text
        assert "모두 3건" in text  # three open cases
        assert '<a class="desk-case-number" href="/desk/cases/2026-000001">2026-000001</a>' in text  # the late one
        assert "2026-000003" not in text.split("h-overdue")[1].split("h-times")[0]
        # The category by the service's name, not its code.
        assert "<svg" in text and "<td>가로등 고장</td>" in text and "streetlight" not in text

        # The range is in Seoul days: from 15:00 UTC Seoul is already on the next day.
        today = datetime.now(ZoneInfo("Asia/Seoul")).date()
        csv_response = reader.get(f"/desk/dashboard.csv?from={today - timedelta(days=10)}&to={today}")
        assert csv_response.status_code == 200
        assert csv_response.headers["content-type"].startswith("text/csv")
        assert csv_response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        assert rows[0][:5] == ["구분", "주", "주 시작일", "부서 또는 분류", "접수 건수"]
        assert {r[0] for r in rows[1:]} == {"부서", "분류"}
        assert sum(int(r[4]) for r in rows[1:] if r[0] == "분류") == 4
        answered = [r for r in rows[1:] if r[0] == "부서" and r[10] == "1"]
        assert answered and answered[0][13] == "2.00"  # answered two calendar hours after receipt

        assert stranger.get("/desk/dashboard").status_code == 403
        assert "이 페이지는 기관 직원 권한이 필요합니다." in stranger.get("/desk/dashboard").text
    finally:
        reader.close()
        stranger.close()


def test_bad_dates_are_refused_next_to_the_field(sqlite_web_base: str, sqlite_url: str) -> None:
    reader = WebClient(sqlite_web_base)
    try:
        reader.sign_up("desk_reader", PASSWORD)
        seed(sqlite_url)
        page = reader.get("/desk/dashboard?from=2026-13-01&to=2026-11-30")
        assert page.status_code == 422
        assert 'id="f-from-error"' in page.text and "연-월-일" in page.text
        assert 'value="2026-13-01"' in page.text
        backwards = reader.get("/desk/dashboard?from=2026-11-30&to=2026-11-01")
        assert backwards.status_code == 422 and 'id="f-to-error"' in backwards.text
        assert "앞설 수 없습니다" in backwards.text
        assert reader.get("/desk/dashboard.csv?from=nope").status_code == 422
        good = reader.get("/desk/dashboard?from=2025-11-01&to=2025-11-30")
        assert good.status_code == 200 and "이 기간에 접수된 민원이 없습니다." in good.text
    finally:
        reader.close()
