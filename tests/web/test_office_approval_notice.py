"""Approvers are told that a draft waits (web journey 10): submitting a draft for approval
notifies each approver of the organisation once (a madang notification the Mastodon API leaves
out), and /office shows how many drafts wait, linking to the queue."""

from __future__ import annotations

from sqlalchemy import select

from madang.models import Notification
from madang.office.approval import DRAFT_SUBMITTED
from tests.web.social import api
from tests.web.test_desk_pages import ok, person, query, text_of
from tests.web.test_office_publish import draft_id_of, office_of


def _notified(url: str) -> list[int]:
    return sorted(r[0] for r in query(url, select(Notification.account_id).where(Notification.type == DRAFT_SUBMITTED)))


def test_approvers_are_told_once_and_see_the_count_on_the_office_page(sqlite_web_base: str, sqlite_url: str) -> None:
    office = office_of(sqlite_url, approval=True)
    dongwook, seojin = person(sqlite_web_base, "dongwook_seo"), person(sqlite_web_base, "seojin_park")
    assert "승인 대기" not in text_of(ok(seojin.get("/office"), 200).text)  # nothing waits yet

    draft = draft_id_of(ok(dongwook.post("/office/publish", {
        "organisation": "anyanglove", "action": "submit", "category": "events", "visibility": "public",
        "text": "4월 5일 안양천 벚꽃 축제에 오세요"})))
    # The approver and the office admin (who has every office right), not the author.
    assert _notified(sqlite_url) == sorted([office.approver.id, office.city.admin.id])

    home = ok(seojin.get("/office"), 200).text
    assert "승인 대기 1건" in text_of(home) and 'href="/office/publish/drafts?tab=waiting"' in home
    assert "읽지 않은 알림 1" in text_of(home)  # the nav's badge tells them on every page
    assert "승인 대기" not in text_of(ok(dongwook.get("/office"), 200).text)  # the author approves nothing
    told = text_of(ok(seojin.get("/notifications"), 200).text)
    assert "서동욱 님이 기관 글의 승인을 요청했습니다." in told and "승인 대기 글 보기" in told
    with api(seojin) as client:  # Mastodon clients never see a type they do not know
        listed = client.get("/api/v1/notifications")
        assert listed.status_code == 200 and all(n["type"] != DRAFT_SUBMITTED for n in listed.json())

    # Sent back and submitted again: still one notification each.
    ok(seojin.post(f"/office/publish/drafts/{draft}/return", {"note": "날짜를 다시 확인해 주세요"}))
    assert "승인 대기" not in text_of(ok(seojin.get("/office"), 200).text)
    ok(dongwook.post(f"/office/publish/drafts/{draft}/submit", {}))
    assert _notified(sqlite_url) == sorted([office.approver.id, office.city.admin.id])
    assert "승인 대기 1건" in text_of(ok(seojin.get("/office"), 200).text)
