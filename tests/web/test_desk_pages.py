"""The desk's web pages on a real server: a citizen's web form becomes a case in the staff
inbox, a triager turns a mention into a case in one action, an officer answers, the citizen sees
the answer and rates it; a guest follows their private link; outsiders are kept out; a refused
move shows its reason and changes nothing; each look at personal data is written down."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.models.desk import Case, CaseEvent, PersonalDataView
from tests.accounts.factories import PASSWORD
from tests.desk.city import City, clock_fixture, make_city  # noqa: F401
from tests.web.client import WebClient

PHONE = "010-1234-5678"
MASKED = "010-****-5678"


def city_of(database_url: str) -> City:
    async def go() -> City:
        db = Database(database_url)
        try:
            return await make_city(db)
        finally:
            await db.dispose()
    return asyncio.run(go())


def query(database_url: str, statement):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        db = Database(database_url)
        try:
            async with db.read() as s:
                return (await s.execute(statement)).all()
        finally:
            await db.dispose()
    return asyncio.run(go())


def person(base: str, username: str) -> WebClient:
    web = WebClient(base)
    assert web.sign_in(username, PASSWORD).status_code == 303
    return web


def ok(response: httpx.Response, status: int = 303) -> httpx.Response:
    assert response.status_code == status, response.text[:2000]
    return response


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def case_number(page: str) -> str:
    found = re.search(r"\b(20\d\d-\d{6})\b", page)
    assert found, page[:2000]
    return found.group(1)


def test_a_web_form_case_is_answered_and_rated(web_base: str, database_url: str) -> None:
    city = city_of(database_url)
    minsu = person(web_base, "minsu")
    form = minsu.get("/desk/new").text
    assert 'value="anyanglove" selected' in form and "고충민원" in form and "교통" in form
    assert 'name="email"' not in form  # signed in: no contact fields
    receipt = minsu.follow(ok(minsu.post("/desk/new", {
        "organisation": "anyanglove", "kind": "grievance", "department": str(city.transport.id),
        "description": f"집 앞 가로등이 고장났어요. 연락은 {PHONE}로 주세요."})))
    number = case_number(receipt.text)
    assert "접수되었습니다" in receipt.text
    assert re.search(r"\d+월 \d+일 오후 6시까지 답변드립니다", receipt.text), text_of(receipt.text)

    officer = person(web_base, "desk_officer")
    listing = officer.get("/desk?tab=department").text
    assert number in listing and MASKED in listing and PHONE not in listing
    assert re.search(r"D-\d+|\d+시간 남음", listing)
    page = officer.get(f"/desk/cases/{number}").text
    assert "고충민원" in page and "웹 양식" in page and MASKED in page and PHONE not in page
    ok(officer.post(f"/desk/cases/{number}/assign", {"assignee": str(city.officer.id), "note": ""}))
    ok(officer.post(f"/desk/cases/{number}/start", {}))
    preview = ok(officer.post(f"/desk/cases/{number}/preview", {"text": f"고쳤습니다. {PHONE}"},
                              headers={"HX-Request": "true"}), 200).text
    assert "고쳤습니다. 010-****-5678" in preview and "<html" not in preview
    answered = officer.follow(ok(officer.post(f"/desk/cases/{number}/answer", {
        "text": f"가로등을 3월 10일까지 고치겠습니다. 문의는 {PHONE}로 주세요."})))
    assert "답변을 보냈습니다" in answered.text and "답변 완료" in answered.text
    history = text_of(answered.text)
    assert "@desk_officer" in history and "배정" in history and "처리 시작" in history and "개인 메시지" in history

    mine = minsu.get("/desk/my").text
    assert number in mine and "답변 완료" in mine
    case_id = re.search(r'href="/desk/my/(\d+)"', mine).group(1)  # type: ignore[union-attr]
    page = minsu.get(f"/desk/my/{case_id}").text
    assert "가로등을 3월 10일까지 고치겠습니다" in page and MASKED in page and "답변이 도움이 되셨나요?" in page
    refused = ok(minsu.post(f"/desk/my/{case_id}/rate", {"rating": "9", "comment": "빨라요"}), 422)
    assert 'id="f-rating-error"' in refused.text and "빨라요" in refused.text
    rated = minsu.follow(ok(minsu.post(f"/desk/my/{case_id}/rate", {"rating": "5", "comment": "빨라요"})))
    assert "5점을 주셨습니다" in rated.text and "빨라요" in rated.text
    assert query(database_url, select(Case.rating).where(Case.number == number)) == [(5,)]
    # Someone else's case is as missing as one that does not exist.
    ok(person(web_base, "outsider").get(f"/desk/my/{case_id}"), 404)


def test_a_triager_turns_a_mention_into_a_case_in_one_action(web_base: str, database_url: str) -> None:
    city_of(database_url)
    minsu = person(web_base, "minsu")
    ok(minsu.post("/statuses", {"status": f"@anyanglove 안양천 산책로 가로등이 꺼졌어요 {PHONE}", "visibility": "public"}))
    ok(minsu.post("/statuses", {"status": "@anyanglove 시청 계정 개설 축하해요!", "visibility": "public"}))
    triager = person(web_base, "desk_triager")
    deadline = time.time() + 15
    while True:  # the intake job runs in the server's worker
        inbox = triager.get("/desk").text
        if "축하해요" in inbox and "가로등이 꺼졌어요" in inbox:
            break
        assert time.time() < deadline, text_of(inbox)
        time.sleep(0.2)
    assert "민원으로 등록" in inbox and "민원 아님" in inbox and MASKED in inbox and PHONE not in inbox
    items = re.findall(r'action="/desk/inbox/(\d+)/case"', inbox)
    assert len(items) == 2
    question, cheer = items  # oldest first
    departments = dict((name, id_) for id_, name in re.findall(r'<option value="(\d+)">(교통|복지)</option>', inbox))
    bad = ok(triager.post(f"/desk/inbox/{question}/case", {"kind": "nonsense", "department": ""}), 422)
    assert f'id="k-{question}-kind-error"' in bad.text
    done = triager.follow(ok(triager.post(f"/desk/inbox/{question}/case",
                                          {"kind": "grievance", "department": departments["교통"]})))
    assert "민원으로 등록했습니다" in done.text
    ok(triager.post(f"/desk/inbox/{cheer}/dismiss", {}))
    assert "분류할 글이 없습니다" in triager.get("/desk").text
    listing = triager.get("/desk?tab=department").text
    number = case_number(listing)
    page = triager.get(f"/desk/cases/{number}").text
    assert "멘션" in page and "원래 글 보기" in page and "교통" in page
    # The citizen was told the number at receipt and sees the case as theirs.
    assert number in minsu.get("/desk/my").text


def test_a_guest_follows_the_private_link_and_nothing_else(sqlite_web_base: str, sqlite_url: str) -> None:
    city_of(sqlite_url)
    guest = WebClient(sqlite_web_base)
    form = guest.get("/desk/new").text
    assert 'name="email"' in form
    missing = ok(guest.post("/desk/new", {"organisation": "anyanglove", "kind": "other",
                                          "description": "쓰레기 수거일이 언제인가요?", "email": ""}), 422)
    assert 'id="f-email-error"' in missing.text and 'aria-invalid="true"' in missing.text
    assert "쓰레기 수거일이 언제인가요?" in missing.text  # what was typed is kept
    too_long = ok(guest.post("/desk/new", {"organisation": "anyanglove", "kind": "other", "description": "가" * 2001,
                                           "email": "guest@example.kr"}), 422)
    assert 'id="f-description-error"' in too_long.text and "2,000자까지" in too_long.text
    assert query(sqlite_url, select(func.count()).select_from(Case)) == [(0,)]
    sent = ok(guest.post("/desk/new", {"organisation": "anyanglove", "kind": "other", "email": "guest@example.kr",
                                       "name": "김민원", "description": "쓰레기 수거일이 언제인가요?"}))
    link = sent.headers["location"].split("?")[0]
    assert re.fullmatch(r"/desk/g/\d+/[A-Za-z0-9_-]{43}", link)
    receipt = guest.follow(sent).text
    assert "접수되었습니다" in receipt and link in receipt and "까지 답변드립니다" in receipt
    assert "쓰레기 수거일이 언제인가요?" in WebClient(sqlite_web_base).get(link).text  # the link alone opens it
    english = WebClient(sqlite_web_base, accept_language="en-US,en;q=0.9").get(sent.headers["location"]).text
    assert "We will answer by" in english and "Answer due" in english and "Other request" in english
    ok(WebClient(sqlite_web_base).get(link[:-1] + ("A" if link[-1] != "A" else "B")), 404)
    ok(WebClient(sqlite_web_base).get(link.rsplit("/", 1)[0] + "/x"), 404)
    # The guest cannot reach staff pages or citizens' lists.
    assert guest.get("/desk").status_code == 303 and guest.get("/desk/my").status_code == 303


def test_staff_pages_are_for_staff(sqlite_web_base: str, sqlite_url: str) -> None:
    city_of(sqlite_url)
    outsider = person(sqlite_web_base, "outsider")
    for path in ("/desk/cases/2026-000001", "/desk/cases/new"):
        page = outsider.get(path)
        assert page.status_code == 403 and "민원 담당 직원만" in page.text, path
    # The desk's address itself shows a citizen their own cases and the way to a new one.
    own = ok(outsider.get("/desk"), 200)
    assert "내 민원" in own.text and 'href="/desk/new"' in own.text and "민원 업무함" not in own.text
    assert ok(outsider.post("/desk/cases/2026-000001/reveal", {}), 403)
    guest = WebClient(sqlite_web_base)
    assert guest.get("/desk").headers["location"].startswith("/auth/sign_in")


def test_a_refused_move_shows_why_and_changes_nothing_and_views_are_audited(
    sqlite_web_base: str, sqlite_url: str,
) -> None:
    city_of(sqlite_url)
    admin = person(sqlite_web_base, "desk_admin")
    logged = admin.follow(ok(admin.post("/desk/cases/new", {
        "channel": "phone", "kind": "question_procedure", "description": f"여권 발급 절차 문의, 회신 {PHONE}",
        "name": "박시민", "phone": PHONE})))
    number = case_number(logged.text)
    assert "민원을 기록했습니다" in logged.text and "전화" in logged.text and PHONE not in logged.text
    ok(admin.post(f"/desk/cases/{number}/answer", {"text": "시청 민원실에서 발급합니다."}))
    ok(admin.post(f"/desk/cases/{number}/close", {"note": "통화로 안내"}))
    events = query(sqlite_url, select(func.count()).select_from(CaseEvent))
    refused = ok(admin.post(f"/desk/cases/{number}/answer", {"text": "다시 답변"}), 422)
    assert "종결 상태의 민원은 답변할 수 없습니다" in refused.text
    assert query(sqlite_url, select(func.count()).select_from(CaseEvent)) == events
    assert query(sqlite_url, select(Case.status, Case.answer_private).where(Case.number == number)) == [
        ("closed", "시청 민원실에서 발급합니다.")]
    bad_extend = ok(admin.post(f"/desk/cases/{number}/extend", {"due_at": "2026-12-31T18:00", "reason": ""}), 422)
    assert "종결 상태의 민원은 기한 연장할 수 없습니다" in bad_extend.text

    assert query(sqlite_url, select(func.count()).select_from(PersonalDataView)) == [(0,)]
    shown = ok(admin.post(f"/desk/cases/{number}/reveal", {}), 200).text
    assert PHONE in shown and "박시민" in shown and "감사 기록에 남습니다" in shown
    views = query(sqlite_url, select(PersonalDataView.account_id))
    assert len(views) == 1
    page = admin.get(f"/desk/cases/{number}").text
    assert PHONE not in page and "개인정보 보기" in page


def test_the_inbox_tabs_say_how_long_is_left_in_words(
    sqlite_web_base: str, sqlite_url: str, clock: FrozenClock,
) -> None:
    """Tuesday 3 March 2026, 10:00 in Seoul: an `other` request is due at 14:00 (3 working hours
    around lunch), a grievance in 7 working days; the office asks the citizen about a third."""
    city = city_of(sqlite_url)
    minsu = person(sqlite_web_base, "minsu")
    for kind, text in (("other", "주민센터 운영 시간이 궁금합니다"), ("grievance", "버스 정류장 의자가 부서졌어요"),
                       ("suggestion", "공원에 그늘막을 설치해 주세요")):
        ok(minsu.post("/desk/new", {"organisation": "anyanglove", "kind": kind, "description": text,
                                    "department": str(city.transport.id)}))
    officer = person(sqlite_web_base, "desk_officer")
    today = text_of(officer.get("/desk?tab=due_today").text)
    assert "주민센터 운영 시간이 궁금합니다" in today and "4시간 남음" in today and "버스 정류장" not in today
    department = text_of(officer.get("/desk?tab=department").text)
    assert "D-8" in department and "D-17" in department and "우리 부서 (3)" in department  # 7 and 14 working days
    suggestion = case_number(officer.get("/desk?tab=department").text.split("공원에 그늘막")[0].rsplit("<tr>", 1)[1])
    ok(officer.post(f"/desk/cases/{suggestion}/assign", {"assignee": str(city.officer.id)}))
    ok(officer.post(f"/desk/cases/{suggestion}/ask_citizen", {"question": "어느 공원인지 알려 주세요"}))
    waiting = text_of(officer.get("/desk?tab=waiting").text)
    assert "공원에 그늘막" in waiting and "기한 멈춤(보완 대기)" in waiting
    assert "공원에 그늘막" in text_of(officer.get("/desk?tab=mine").text)
    clock.advance(hours=5)
    overdue = text_of(officer.get("/desk?tab=overdue").text)
    assert "주민센터 운영 시간이 궁금합니다" in overdue and "기한 지남" in overdue and "공원에 그늘막" not in overdue
    assert "이 목록에 민원이 없습니다" in officer.get("/desk?tab=due_today").text
    ok(officer.get("/desk?tab=nonsense"), 404)
    ok(officer.get("/desk?tab=overdue&page=0"), 400)


def test_guests_are_throttled(sqlite_web_base: str, sqlite_url: str) -> None:
    city_of(sqlite_url)
    guest = WebClient(sqlite_web_base)
    guest.get("/desk/new")
    form = {"organisation": "anyanglove", "kind": "other", "email": "guest@example.kr", "description": "문의"}
    for _ in range(5):
        ok(guest.post("/desk/new", form))
    refused = ok(guest.post("/desk/new", form), 429)
    assert "짧은 시간에 너무 많이 보냈습니다" in refused.text and "문의" in refused.text
    assert query(sqlite_url, select(func.count()).select_from(Case)) == [(5,)]


def test_staff_see_the_desk_in_the_nav_on_every_page_and_others_do_not(sqlite_web_base: str, sqlite_url: str) -> None:
    city = city_of(sqlite_url)
    nav_link = re.compile(r'<li><a href="/desk"[^>]*>민원</a></li>')
    triager = person(sqlite_web_base, city.triager.username)
    for path in ("/home", "/search", "/notifications"):
        assert nav_link.search(triager.get(path).text), path
    outsider = person(sqlite_web_base, city.outsider.username)
    assert not nav_link.search(outsider.get("/home").text)


def test_a_citizen_asks_how_the_case_is_going_once_a_day(sqlite_web_base: str, sqlite_url: str) -> None:
    city = city_of(sqlite_url)
    minsu = person(sqlite_web_base, "minsu")
    receipt = minsu.follow(ok(minsu.post("/desk/new", {
        "organisation": "anyanglove", "kind": "question_law", "department": str(city.transport.id),
        "description": "주차장 조례 해석을 묻습니다."})))
    here = re.search(r'action="(/desk/my/\d+)/progress"', receipt.text).group(1)  # type: ignore[union-attr]
    sent = minsu.follow(ok(minsu.post(here + "/progress", {})))
    assert "진행 상황을 메시지로 보내 드렸습니다." in sent.text
    again = ok(minsu.post(here + "/progress", {}), 422)
    assert "하루에 한 번" in again.text and 'id="progress-error"' in again.text
    assert ok(minsu.post(here + "/progress", {}, csrf=False), 403)
    notes = query(sqlite_url, select(CaseEvent.note).where(CaseEvent.action == "interim_notice"))
    assert [n for (n,) in notes] == ["시민 요청"]


def test_a_canned_answer_fills_the_answer_box_without_javascript(sqlite_web_base: str, sqlite_url: str) -> None:
    city = city_of(sqlite_url)
    boss = person(sqlite_web_base, "desk_admin")
    ok(boss.post("/desk/settings/canned", {"title": "가로등 고장 접수", "text": "접수했습니다. 3일 안에 고칩니다.",
                                           "department": str(city.transport.id), "category": ""}))
    ok(boss.post("/desk/settings/canned", {"title": "복지 안내", "text": "복지과에서 연락드립니다.",
                                           "department": str(city.welfare.id), "category": ""}))
    minsu = person(sqlite_web_base, "minsu")
    number = case_number(minsu.follow(ok(minsu.post("/desk/new", {
        "organisation": "anyanglove", "kind": "grievance", "department": str(city.transport.id),
        "description": "가로등이 꺼졌어요."}))).text)
    officer = person(sqlite_web_base, "desk_officer")
    page = officer.get(f"/desk/cases/{number}").text
    assert "가로등 고장 접수" in page and "복지 안내" not in page  # only this department's and everyone's
    canned_id = re.search(r'<option value="(\d+)">가로등 고장 접수</option>', page).group(1)  # type: ignore[union-attr]
    filled = officer.get(f"/desk/cases/{number}", params={"canned": canned_id}).text
    assert re.search(r'<textarea id="a-answer-text"[^>]*>접수했습니다. 3일 안에 고칩니다.</textarea>', filled)
    assert officer.get(f"/desk/cases/{number}", params={"canned": "999"}).status_code == 404


def test_staff_of_two_organisations_work_each_desk_without_mixing_them(
        sqlite_web_base: str, sqlite_url: str) -> None:
    """Case numbers are per organisation, so 2026-000001 exists at both desks: every link, form
    and redirect carries the desk being worked at, and each action lands on that desk's case."""
    city_of(sqlite_url)

    async def second_desk() -> None:
        from madang.accounts.queries import find_account_by_acct
        from madang.desk.organisations import add_department, add_staff
        from tests.factories import make_account

        db = Database(sqlite_url)
        async with db.write() as s:
            org = await make_account(s, username="uiwangcity", organisation=True, display_name="의왕시")
            await add_department(s, organisation=org, name="교통", code="transport")
            admin = await find_account_by_acct(s, "desk_admin")
            await add_staff(s, organisation=org, account=admin, role="office_admin")
        await db.dispose()

    asyncio.run(second_desk())
    admin = person(sqlite_web_base, "desk_admin")
    inbox = admin.get("/desk").text
    assert "@anyanglove" in inbox and "@uiwangcity" in inbox  # a list to switch desks
    numbers = {}
    for org, question in (("anyanglove", "안양천 가로등 문의"), ("uiwangcity", "의왕역 버스 노선 문의")):
        form = admin.get(f"/desk/cases/new?org={org}").text
        assert f'action="/desk/cases/new?org={org}"' in form
        logged = ok(admin.post(f"/desk/cases/new?org={org}", {
            "channel": "phone", "kind": "question_procedure", "description": question, "name": "박시민"}))
        assert f"org={org}" in logged.headers["location"]
        page = admin.follow(logged).text
        numbers[org] = case_number(page)
        assert question in page
        # The answer form posts to this desk's case.
        assert f'action="/desk/cases/{numbers[org]}/answer?org={org}"' in page
    assert numbers["anyanglove"] == numbers["uiwangcity"] == "2026-000001"
    ok(admin.post("/desk/cases/2026-000001/answer?org=uiwangcity", {"text": "3번 버스가 다닙니다."}))
    rows = dict(query(sqlite_url, select(Case.description, Case.status)))
    assert rows == {"안양천 가로등 문의": "received", "의왕역 버스 노선 문의": "answered"}
    # Without a desk named, the first desk is shown, as before.
    assert "안양천 가로등 문의" in admin.get("/desk/cases/2026-000001").text
