"""The assignment form offers only whom the case may go to (web journey 6): the list and the
check are the same domain rule (desk.transitions.list_assignees), so a choice from the form is
never refused as "담당자가 다른 부서 소속입니다"."""

from __future__ import annotations

import re

from tests.web.test_desk_pages import case_number, city_of, ok, person


def _offered(page: str) -> set[str]:
    select = re.search(r'<select id="a-assign-assignee" name="assignee"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no assignment form"
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


def test_the_assignment_form_offers_only_staff_who_may_take_the_case(web_base: str, database_url: str) -> None:
    city = city_of(database_url)
    minsu = person(web_base, "minsu")
    number = case_number(minsu.follow(ok(minsu.post("/desk/new", {
        "organisation": "anyanglove", "kind": "grievance", "department": str(city.transport.id),
        "description": "버스 정류장 의자가 부서졌어요"}))).text)

    triager = person(web_base, "desk_triager")
    offered = _offered(triager.get(f"/desk/cases/{number}").text)
    # A 교통 case: the 교통 officer and the office admin (of no department), not the 복지 officer,
    # nor the triager or the reader, who do not answer cases.
    assert offered == {str(city.officer.id), str(city.admin.id)}
    # Every offered choice is accepted; the one left out is still refused by the same rule.
    refused = ok(triager.post(f"/desk/cases/{number}/assign", {"assignee": str(city.welfare_officer.id)}), 422)
    assert "다른 부서 소속" in refused.text
    for choice in sorted(offered):
        ok(triager.post(f"/desk/cases/{number}/assign", {"assignee": choice}))

    # A department officer may take the case only for themselves: that is all the form offers.
    officer = person(web_base, "desk_officer")
    assert _offered(officer.get(f"/desk/cases/{number}").text) == {str(city.officer.id)}
