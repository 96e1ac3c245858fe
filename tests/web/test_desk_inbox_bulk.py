"""The desk's triage list, several posts at once (issue 15, decision 0047), on a real server over
both databases: a triager ticks greetings and sets them aside in one go, or opens several
questions as cases of one kind; one post that cannot be (already decided, another desk's, not a
number) refuses the lot and the inbox is as it was; a reader and an outsider change nothing."""

from __future__ import annotations

import re
import time

from sqlalchemy import select

from madang.models.desk import Case, InboxItem
from tests.web.test_desk_pages import city_of, ok, person, query, text_of
from tests.web.test_office_monitor_assignment import _other_city


def _inbox_of(triager, texts: list[str]) -> str:  # type: ignore[no-untyped-def]
    deadline = time.time() + 15
    while True:  # the intake job runs in the server's worker
        inbox = triager.get("/desk").text
        if all(t in inbox for t in texts):
            return inbox
        assert time.time() < deadline, text_of(inbox)
        time.sleep(0.2)


def _states(url: str) -> dict[int, tuple[str, int | None]]:
    return {i: (state, by) for i, state, by in query(url, select(InboxItem.id, InboxItem.state,
                                                                InboxItem.decided_by_id))}


def test_a_triager_sets_aside_or_opens_several_posts_at_once(web_base: str, database_url: str) -> None:
    city = city_of(database_url)
    _other_city(database_url)
    minsu = person(web_base, "minsu")
    texts = ["시청 계정 개설 축하해요", "오늘도 수고하세요", "버스 정류장 의자가 부서졌어요", "공원 화장실이 잠겨 있어요"]
    for text in texts:
        ok(minsu.post("/statuses", {"status": f"@anyanglove {text}", "visibility": "public"}))
    triager = person(web_base, "desk_triager")
    inbox = _inbox_of(triager, texts)
    assert 'id="desk-bulk"' in inbox
    picks = re.findall(r'<input type="checkbox" name="items" value="(\d+)" form="desk-bulk"', inbox)
    assert len(picks) == 4  # oldest first, as the texts were posted
    cheer, thanks, bench, toilet = picks
    departments = dict((name, id_) for id_, name in re.findall(r'<option value="(\d+)">(교통|복지)</option>', inbox))

    # The reader and someone from outside: refused, nothing decided.
    reader = person(web_base, "desk_reader")
    assert 'id="desk-bulk"' not in reader.get("/desk?tab=untriaged").text
    ok(reader.post("/desk/inbox/bulk", {"items": [cheer, thanks], "action": "dismiss"}), 403)
    ok(person(web_base, "outsider").post("/desk/inbox/bulk", {"items": [cheer, thanks], "action": "dismiss"}), 403)
    # Another city's triager works at their own desk: these posts are not in its inbox.
    foreign = ok(person(web_base, "gw_staff").post("/desk/inbox/bulk?org=anyanglove",
                                                   {"items": [cheer, thanks], "action": "dismiss"}), 422)
    assert "받은 민원함에 없는 글입니다" in text_of(foreign.text)
    # One bad id among good ones: a number that is no inbox post, then one that is not a number.
    refused = ok(triager.post("/desk/inbox/bulk", {"items": [cheer, "123456789", thanks], "action": "dismiss"}), 422)
    assert "받은 민원함에 없는 글입니다. 아무것도 바꾸지 않았습니다" in text_of(refused.text)
    assert 'id="desk-bulk-error"' in refused.text
    ok(triager.post("/desk/inbox/bulk", {"items": [cheer, "x1"], "action": "dismiss"}), 422)
    ok(triager.post("/desk/inbox/bulk", {"items": [], "action": "dismiss"}), 422)
    ok(triager.post("/desk/inbox/bulk", {"items": [bench, toilet], "action": "case", "kind": "nonsense"}), 422)
    assert {s for s, _ in _states(database_url).values()} == {"untriaged"}

    # The two greetings set aside in one go, kept with who decided.
    done = triager.follow(ok(triager.post("/desk/inbox/bulk", {"items": [cheer, thanks], "action": "dismiss"})))
    assert "민원 아님으로 분류했습니다" in done.text
    states = _states(database_url)
    assert states[int(cheer)] == states[int(thanks)] == ("not_a_case", city.triager.id)

    # A decided post among the set refuses the lot: the questions stay untriaged.
    refused = ok(triager.post("/desk/inbox/bulk", {"items": [bench, cheer, toilet], "action": "case",
                                                   "kind": "grievance", "department": departments["교통"]}), 422)
    assert "이미 분류한 글입니다. 아무것도 바꾸지 않았습니다" in text_of(refused.text)
    assert query(database_url, select(Case.id)) == []
    # The two questions become two 교통 grievances, numbered in the order they came.
    ok(triager.post("/desk/inbox/bulk", {"items": [toilet, bench], "action": "case", "kind": "grievance",
                                         "department": departments["교통"]}))
    cases = query(database_url, select(Case.number, Case.kind, Case.department_id, Case.description_public)
                  .order_by(Case.number))
    assert [(k, d) for _, k, d, _ in cases] == [("grievance", city.transport.id)] * 2
    assert "의자" in cases[0][3] and "화장실" in cases[1][3]
    assert {s for s, _ in _states(database_url).values()} == {"not_a_case", "case"}
    assert "분류할 글이 없습니다" in triager.get("/desk").text
