"""The office's Open311 services (민원 분류) on a real server: an office admin adds one with a list
attribute, edits it, retires and restores it, and Open311 answers follow; other staff get 403; a bad
form is refused next to its field and changes nothing."""

from __future__ import annotations

import html
from typing import Any

import httpx
from sqlalchemy import select

from madang.accounts.queries import find_account_by_acct
from madang.desk.organisations import add_department, add_staff
from madang.desk.services import create_api_key
from madang.models.desk import Case, Department
from madang.models.open311 import Service
from tests.factories import make_account
from tests.web.client import WebClient
from tests.web.test_desk_settings import PASSWORD, run

LIGHT = {"service_code": "streetlight", "name": "가로등 고장", "description": "꺼지거나 깜빡이는 가로등",
         "keywords": "가로등, 조명", "group": "도로·시설", "notice": "교통과에서 확인 후 수리합니다",
         "attr_rows": "1", "a0-code": "state", "a0-datatype": "singlevaluelist", "a0-required": "1",
         "a0-description": "상태", "a0-values": "off=꺼짐\r\nflicker=깜빡임", "a0-order": ""}


def seed(url: str) -> dict[str, Any]:
    async def work(s: Any) -> dict[str, Any]:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        transport = await add_department(s, organisation=org, name="교통", code="transport")
        safety = await add_department(s, organisation=org, name="안전", code="safety")
        for username, role in (("boss", "office_admin"), ("sorter", "triager"), ("seojin_park", "officer")):
            await add_staff(s, organisation=org, account=await find_account_by_acct(s, username), role=role,
                            department=transport if role == "officer" else None)
        _, key = await create_api_key(s, name="안양 민원앱")
        return {"transport": str(transport.id), "safety": str(safety.id), "key": key}
    return run(url, work)


def services(url: str) -> list[tuple[Any, ...]]:
    async def work(s: Any) -> list[tuple[Any, ...]]:
        rows = await s.scalars(select(Service).order_by(Service.id))
        return [(r.service_code, r.name, r.description, r.department_id, r.keywords, r.group, r.notice,
                 r.attributes, r.position, r.active) for r in rows]
    return run(url, work)


def open311(base: str, path: str) -> httpx.Response:
    return httpx.get(f"{base}/open311/v2/{path}", timeout=20)


def edit_form(**changes: str) -> dict[str, str]:
    form = {k: v for k, v in LIGHT.items() if k != "service_code"}
    return {**form, **changes}


def test_an_office_admin_edits_the_services_and_open311_follows(web_base: str, database_url: str) -> None:
    boss, sorter, officer = WebClient(web_base), WebClient(web_base), WebClient(web_base)
    try:
        boss.sign_up("boss", PASSWORD)
        sorter.sign_up("sorter", PASSWORD)
        officer.sign_up("seojin_park", PASSWORD)
        ids = seed(database_url)

        # Triagers and officers may not see or change the services.
        assert sorter.get("/desk/settings/services").status_code == 403
        assert officer.post("/desk/settings/services", {**LIGHT, "department": ids["transport"]}).status_code == 403
        assert services(database_url) == []

        page = boss.get("/desk/settings/services")
        assert page.status_code == 200 and "운영 중인 분류가 없습니다." in page.text
        assert 'href="/desk/settings/services" aria-current="page"' in page.text

        # A bad list attribute is refused next to its field; what was typed stays; nothing written.
        bad = boss.post("/desk/settings/services", {**LIGHT, "department": ids["transport"], "a0-values": ""})
        assert bad.status_code == 422 and 'id="f-a0-values-error"' in bad.text
        assert "목록 자료형에는 선택지가 한 개 이상 필요합니다" in bad.text
        assert 'aria-describedby="f-a0-values-error"' in bad.text and 'value="가로등 고장"' in bad.text
        no_name = boss.post("/desk/settings/services", {**LIGHT, "name": " "})
        assert no_name.status_code == 422 and 'id="f-name-error"' in no_name.text
        assert 'value="streetlight"' in no_name.text and "off=꺼짐" in no_name.text
        assert services(database_url) == []

        # Added with its list attribute; the answer is its edit page.
        added = boss.post("/desk/settings/services", {**LIGHT, "department": ids["transport"]})
        assert added.status_code == 303 and added.headers["location"].startswith("/desk/settings/services/streetlight?")
        edit = boss.follow(added)
        assert "민원 설정을 바꿨습니다." in edit.text and "off=꺼짐\nflicker=깜빡임" in html.unescape(edit.text)
        [listed] = open311(web_base, "services.json").json()
        assert (listed["service_code"], listed["service_name"], listed["metadata"], listed["keywords"]) == (
            "streetlight", "가로등 고장", True, "가로등,조명")
        [state] = open311(web_base, "services/streetlight.json").json()["attributes"]
        assert (state["code"], state["datatype"], state["required"], state["values"]) == (
            "state", "singlevaluelist", True, [{"key": "off", "name": "꺼짐"}, {"key": "flicker", "name": "깜빡임"}])

        # A citizen's app posts a request for it.
        posted = httpx.post(f"{web_base}/open311/v2/requests.json", timeout=20, data={
            "api_key": ids["key"], "service_code": "streetlight", "address_string": "안양역 앞",
            "email": "minji@example.test", "attribute[state]": "off"})
        assert posted.status_code == 201, posted.text
        request_id = posted.json()[0]["service_request_id"]

        # Edited: renamed, moved to 안전, one more attribute in the empty fieldset. A bad edit first.
        before = services(database_url)
        refused = boss.post("/desk/settings/services/streetlight", edit_form(
            name="보안등 고장", attr_rows="2", **{"a1-code": "pole", "a1-datatype": "number", "a1-description": "",
                                                "a1-values": ""}))
        assert refused.status_code == 422 and 'id="f-a1-description-error"' in refused.text
        assert 'value="보안등 고장"' in refused.text and 'value="pole"' in refused.text
        assert services(database_url) == before
        saved = boss.post("/desk/settings/services/streetlight", edit_form(
            name="보안등 고장", department=ids["safety"], attr_rows="2",
            **{"a1-code": "pole", "a1-datatype": "number", "a1-description": "기둥 번호", "a1-order": "1",
               "a0-order": "2"}))
        assert saved.status_code == 303 and saved.headers["location"].startswith("/desk/settings/services?")
        assert "보안등 고장" in boss.follow(saved).text
        assert open311(web_base, "services.json").json()[0]["service_name"] == "보안등 고장"
        definition = open311(web_base, "services/streetlight.json").json()["attributes"]
        assert [(a["code"], a["order"]) for a in definition] == [("pole", 1), ("state", 2)]

        # Removing an attribute is a checkbox.
        boss.get("/desk/settings/services/streetlight")
        removed = boss.post("/desk/settings/services/streetlight", edit_form(
            name="보안등 고장", department=ids["safety"], **{"a0-remove": "1"}))
        assert removed.status_code == 303
        assert open311(web_base, "services/streetlight.json").json()["attributes"] == []
        assert open311(web_base, "services.json").json()[0]["metadata"] is False

        # Citizens choose it on the web form; the case takes the category and its department.
        form = sorter.get("/desk/new?org=anyanglove").text
        assert '<option value="streetlight">보안등 고장</option>' in form
        unknown = sorter.post("/desk/new", {"organisation": "anyanglove", "kind": "grievance", "category": "nope",
                                             "department": "", "description": "골목 보안등이 꺼졌어요"})
        assert unknown.status_code == 422 and 'id="f-category-error"' in unknown.text
        # A categorised request needs a location, as on Open311 (issue 13).
        sent = sorter.post("/desk/new", {"organisation": "anyanglove", "kind": "grievance", "category": "streetlight",
                                          "department": "", "description": "골목 보안등이 꺼졌어요",
                                          "address": "평촌동 골목 입구"})
        assert sent.status_code == 303

        async def web_case(s: Any) -> list[tuple[Any, ...]]:
            return (await s.execute(select(Case.category, Case.department_id).where(Case.channel == "web"))).all()
        assert run(database_url, web_case) == [("streetlight", int(ids["safety"]))]

        # Retired: gone from Open311's list and definitions; the request keeps its service.
        retired = boss.post("/desk/settings/services/streetlight/retire", {})
        assert retired.status_code == 303 and "민원 설정을 바꿨습니다." in boss.follow(retired).text
        assert open311(web_base, "services.json").json() == []
        assert open311(web_base, "services/streetlight.json").status_code == 404
        assert 'value="streetlight"' not in sorter.get("/desk/new?org=anyanglove").text
        history = boss.get("/desk/settings/services/streetlight").text
        assert "<td>수정</td>" in history and "<td>운영 중지</td>" in history and "<td>boss</td>" in history
        kept = open311(web_base, f"requests/{request_id}.json").json()[0]
        assert (kept["service_code"], kept["service_name"]) == ("streetlight", "보안등 고장")
        listing = boss.get("/desk/settings/services")
        assert "운영을 멈춘 분류" in listing.text and "다시 운영" in listing.text
        assert sorter.post("/desk/settings/services/streetlight/restore", {}).status_code == 403
        assert boss.post("/desk/settings/services/streetlight/restore", {}).status_code == 303
        assert [s["service_code"] for s in open311(web_base, "services.json").json()] == ["streetlight"]
    finally:
        boss.close()
        sorter.close()
        officer.close()


def test_more_fieldsets_reordering_and_refusals(sqlite_web_base: str, sqlite_url: str) -> None:
    base, url = sqlite_web_base, sqlite_url
    boss = WebClient(base)
    try:
        boss.sign_up("boss", PASSWORD)
        WebClient(base).sign_up("sorter", PASSWORD)
        WebClient(base).sign_up("seojin_park", PASSWORD)
        seed(url)

        # "항목 칸 하나 더" shows the form again with one more fieldset, saving nothing.
        more = boss.post("/desk/settings/services", {**LIGHT, "more_rows": "1"})
        assert more.status_code == 200 and 'name="a1-code"' in more.text and 'value="state"' in more.text
        assert "입력한 내용을 확인해 주세요" not in more.text
        assert services(url) == []

        # The error lands on the fieldset it belongs to, even after a removed one.
        clash = boss.post("/desk/settings/services", {
            **LIGHT, "attr_rows": "3", "a0-remove": "1", "a1-code": "state", "a1-description": "상태",
            "a2-code": "state", "a2-description": "또 상태"})
        assert clash.status_code == 422 and 'id="f-a2-code-error"' in clash.text and "겹칩니다" in clash.text
        assert services(url) == []

        for code, name in (("streetlight", "가로등 고장"), ("road", "도로 파손"), ("dumping", "무단투기")):
            assert boss.post("/desk/settings/services", {**LIGHT, "service_code": code, "name": name}
                             ).status_code == 303
        taken = boss.post("/desk/settings/services", {**LIGHT, "name": "또 가로등"})
        assert taken.status_code == 422 and 'id="f-service_code-error"' in taken.text and "이미 있습니다" in taken.text

        def order() -> list[str]:
            return [s["service_code"] for s in open311(base, "services.json").json()]

        assert boss.post("/desk/settings/services/dumping/move", {"direction": "up"}).status_code == 303
        assert order() == ["streetlight", "dumping", "road"]
        assert boss.post("/desk/settings/services/streetlight/move", {"direction": "down"}).status_code == 303
        assert order() == ["dumping", "streetlight", "road"]
        page = boss.get("/desk/settings/services").text
        assert page.index("무단투기") < page.index("가로등 고장") < page.index("도로 파손")
        sideways = boss.post("/desk/settings/services/road/move", {"direction": "sideways"})
        assert sideways.status_code == 422 and "위 또는 아래로만" in sideways.text

        # Unknown services are 404, a foreign department is refused.
        assert boss.get("/desk/settings/services/nothing").status_code == 404
        assert boss.post("/desk/settings/services/nothing", edit_form()).status_code == 404
        assert boss.post("/desk/settings/services/nothing/retire", {}).status_code == 404

        async def foreign(s: Any) -> str:
            other = await make_account(s, username="gwacheon", organisation=True)
            return str((await add_department(s, organisation=other, name="교통", code="transport")).id)
        theirs = run(url, foreign)
        refused = boss.post("/desk/settings/services/road", edit_form(name="도로 파손", department=theirs))
        assert refused.status_code == 422 and 'id="f-department-error"' in refused.text
        assert run(url, lambda s: s.scalar(select(Department.id).where(Department.id == int(theirs))))
        assert boss.post("/desk/settings/services/road", edit_form(department="12abc")).status_code == 422
        assert "도로 파손" in [s["service_name"] for s in open311(base, "services.json").json()]
    finally:
        boss.close()
