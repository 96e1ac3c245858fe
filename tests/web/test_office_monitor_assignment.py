"""Assigning monitor posts to colleagues, the list's filters and acting on several posts at once
(issue 15, decision 0047), on a real server over both databases: what a social-media team checks
— who has which post, what is still open, what is mine — and that a refusal changes nothing."""

from __future__ import annotations

import asyncio
import json
import re

from sqlalchemy import select

from madang.db import Database
from madang.models import Account
from madang.desk.organisations import add_staff
from madang.models.monitor import MonitorAssignment, MonitorMark
from tests.accounts.factories import make_account
from tests.web.social import post
from tests.web.test_live import _events, _stream
from tests.web.test_desk_pages import city_of, ok, person, query, text_of


def _other_city(database_url: str) -> None:
    """A second organisation with a staff member of its own (who may handle there)."""
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                org = await make_account(s, username="gwacheon", organisation=True, display_name="과천시")
                await add_staff(s, organisation=org, account=await make_account(s, username="gw_staff"),
                                role="triager")
        finally:
            await db.dispose()
    asyncio.run(go())


def _listed(page: str) -> list[str]:
    """The posts a monitor page shows, in order."""
    return re.findall(r'<article class="monitor-item[^"]*" id="m-(\d+)"', page)


def _assignments(url: str) -> set[tuple[int, int]]:
    return set(query(url, select(MonitorAssignment.status_id, MonitorAssignment.assigned_to_id)))


def _marks(url: str) -> set[tuple[int, int | None]]:
    return set(query(url, select(MonitorMark.status_id, MonitorMark.handled_by_id)))


def test_staff_assign_filter_and_act_on_several_posts(web_base: str, database_url: str) -> None:
    city = city_of(database_url)
    triager, officer, minsu = (person(web_base, n) for n in ("desk_triager", "desk_officer", "minsu"))
    first = post(minsu, "@anyanglove 버스 정류장 의자가 부서졌어요")
    second = post(minsu, "@anyanglove 공원 화장실이 잠겨 있어요")
    third = post(minsu, "@anyanglove 도서관 주차장 언제 열어요?")
    page = triager.get("/office/monitor").text
    assert _listed(page) == [third, second, first]
    # The form offers the colleagues who may handle: not the reader.
    offered = set(re.findall(r'<option value="(\d+)"', page.split('id="bulk-assignee"')[1].split("</select>")[0]))
    assert offered == {str(a.id) for a in (city.admin, city.triager, city.officer, city.welfare_officer)}

    # One post to the 교통 officer: a colleague watching sees it live, on the card and in their "mine".
    with _stream(officer, "m") as client, client.stream("GET", "/office/monitor/stream") as live:
        events = _events(live)
        ok(triager.post(f"/office/monitor/items/{first}/assign", {"assignee": str(city.officer.id)}))
        kind, data = next(events)
        assert kind == "assigned" and json.loads(data) == {"status_id": first, "to": "desk_officer"}
    assert _assignments(database_url) == {(int(first), city.officer.id)}
    card = text_of(triager.get(f"/office/monitor/items/{first}").text)
    assert "담당: desk_officer" in card
    assert _listed(officer.get("/office/monitor?show=mine").text) == [first]
    assert _listed(triager.get("/office/monitor?show=mine").text) == []

    # Two at once marked handled: both marks by the triager; the unhandled list keeps the third.
    ok(triager.post("/office/monitor/bulk?show=unhandled", {"ids": [first, second], "action": "handled"}))
    assert _marks(database_url) == {(int(first), city.triager.id), (int(second), city.triager.id)}
    assert _listed(triager.get("/office/monitor?show=unhandled").text) == [third]
    assert _listed(triager.get("/office/monitor").text) == [third, second, first]
    assert "처리함: desk_triager" in officer.get("/office/monitor?show=mine").text

    # Two at once given to the triager (one taken from the officer), then one given back to nobody.
    back = ok(officer.post("/office/monitor/bulk?show=mine", {"ids": [first, third], "action": "assign",
                                                              "assignee": str(city.triager.id)}))
    assert back.headers["location"].startswith("/office/monitor?show=mine")
    assert _assignments(database_url) == {(int(first), city.triager.id), (int(third), city.triager.id)}
    assert _listed(triager.get("/office/monitor?show=mine").text) == [third, first]
    assert _listed(officer.get("/office/monitor?show=mine").text) == []
    ok(triager.post(f"/office/monitor/items/{third}/assign", {"assignee": ""}))
    assert _assignments(database_url) == {(int(first), city.triager.id)}


def test_a_bad_id_or_a_wrong_colleague_refuses_everything(web_base: str, database_url: str) -> None:
    city = city_of(database_url)
    _other_city(database_url)
    triager, minsu = person(web_base, "desk_triager"), person(web_base, "minsu")
    one = post(minsu, "@anyanglove 가로등이 꺼졌어요")
    two = post(minsu, "@anyanglove 보도블록이 깨졌어요")
    private = post(minsu, "오늘 점심은 김밥")  # not on the monitor
    before = _marks(database_url)

    refused = ok(triager.post("/office/monitor/bulk", {"ids": [one, private, two], "action": "handled"}), 422)
    assert "모니터에 없는 글입니다. 아무것도 바꾸지 않았습니다" in refused.text and 'id="monitor-bulk-error"' in refused.text
    refused = ok(triager.post("/office/monitor/bulk", {"ids": [one, "12x"], "action": "handled"}), 422)
    assert "아무것도 바꾸지 않았습니다" in refused.text
    ok(triager.post("/office/monitor/bulk", {"ids": [], "action": "handled"}), 422)
    ok(triager.post("/office/monitor/bulk", {"ids": [one, private], "action": "assign",
                                              "assignee": str(city.officer.id)}), 422)
    assert _marks(database_url) == before == set() and _assignments(database_url) == set()

    # Only to this organisation's staff who may handle: not a reader, a citizen or another city's staff.
    gw_id = query(database_url, select(Account.id).where(Account.username == "gw_staff"))[0][0]
    for wrong in (city.reader.id, city.citizen.id, gw_id):
        answer = ok(triager.post(f"/office/monitor/items/{one}/assign", {"assignee": str(wrong)}), 422)
        assert "배정할 수 없습니다" in answer.text or "직원에게만 배정할 수 있습니다" in answer.text
        ok(triager.post("/office/monitor/bulk", {"ids": [one, two], "action": "assign", "assignee": str(wrong)}),
           422)
    assert _assignments(database_url) == set()

    # A reader may look but not assign or mark; another city's staff work at their own desk only.
    reader = person(web_base, "desk_reader")
    page = reader.get("/office/monitor").text
    assert 'id="monitor-bulk"' not in page and 'name="ids"' not in page
    ok(reader.post(f"/office/monitor/items/{one}/assign", {"assignee": str(city.officer.id)}), 403)
    ok(reader.post("/office/monitor/bulk", {"ids": [one, two], "action": "handled"}), 403)
    outsider = person(web_base, "gw_staff")
    ok(outsider.post(f"/office/monitor/items/{one}/assign", {"assignee": str(gw_id)}), 404)
    ok(outsider.post("/office/monitor/bulk", {"ids": [one], "action": "handled"}), 422)
    ok(outsider.post("/office/monitor/bulk?org=anyanglove", {"ids": [one], "action": "assign",
                                                             "assignee": str(city.officer.id)}), 422)
    ok(person(web_base, "outsider").post("/office/monitor/bulk", {"ids": [one], "action": "handled"}), 403)
    assert _marks(database_url) == set() and _assignments(database_url) == set()


def test_filters_are_kept_across_pages(sqlite_web_base: str, sqlite_url: str) -> None:
    from madang.monitor import feed

    city = city_of(sqlite_url)
    triager, minsu = person(sqlite_web_base, "desk_triager"), person(sqlite_web_base, "minsu")
    ids = [post(minsu, f"@anyanglove 질문 {n}번") for n in range(feed.PAGE + 5)]
    newest_first = list(reversed(ids))
    handled = [ids[-1], ids[-2], ids[0]]  # the newest two and the oldest
    ok(triager.post("/office/monitor/bulk", {"ids": handled, "action": "handled"}))
    unhandled = [i for i in newest_first if i not in handled]
    first = triager.get("/office/monitor?show=unhandled").text
    assert _listed(first) == unhandled[: feed.PAGE]
    older = re.search(r'href="(/office/monitor\?show=unhandled&amp;before=\d+)"', first)
    assert older, "the next page keeps the filter"
    rest = triager.get(older.group(1).replace("&amp;", "&")).text
    assert _listed(rest) == unhandled[feed.PAGE:] and ids[0] not in _listed(rest)
    assert "이전 글" not in rest
    # "Mine" pages too: every post but one given to the triager, then the second page.
    ok(triager.post("/office/monitor/bulk?show=mine", {"ids": ids[1:], "action": "assign",
                                                       "assignee": str(city.triager.id)}))
    mine = triager.get("/office/monitor?show=mine").text
    assert _listed(mine) == newest_first[: feed.PAGE]
    older = re.search(r'href="(/office/monitor\?show=mine&amp;before=\d+)"', mine)
    assert older
    assert _listed(triager.get(older.group(1).replace("&amp;", "&")).text) == newest_first[feed.PAGE:-1]
    assert triager.get("/office/monitor?show=later").status_code == 400
