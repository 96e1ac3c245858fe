"""Publishing as the organisation on the web, on a real server: two staff logins post as
@anyanglove, one approves the other's draft; the office sees who wrote a post, the public does
not; a refused form shows its reason and writes nothing; outsiders are kept out."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.models import Status
from madang.models.office import OfficeDraft, OfficePost
from tests.desk.city import clock_fixture  # noqa: F401
from tests.office.test_publishing import Office, make_office
from tests.web.client import WebClient
from tests.web.test_desk_pages import ok, person, query, text_of  # noqa: F401


def office_of(database_url: str, *, approval: bool) -> Office:
    async def go() -> Office:
        db = Database(database_url)
        try:
            return await make_office(db, approval=approval)
        finally:
            await db.dispose()
    return asyncio.run(go())


def draft_id_of(response: httpx.Response) -> int:
    found = re.search(r"/office/publish/drafts/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def test_two_staff_publish_as_the_city_one_approving_the_others_draft(web_base: str, database_url: str) -> None:
    office_of(database_url, approval=True)
    dongwook, seojin = person(web_base, "dongwook_seo"), person(web_base, "seojin_park")
    form = ok(dongwook.get("/office/publish"), 200).text
    assert "승인 요청" in form and "동네 소식" in form and 'value="publish"' not in form
    sent = ok(dongwook.post("/office/publish", {"organisation": "anyanglove", "action": "submit", "category": "events",
                                                "visibility": "public", "text": "4월 5일 안양천 벚꽃 축제에 오세요"}))
    draft = draft_id_of(sent)
    page = dongwook.follow(sent).text
    assert "승인을 요청했습니다" in page and "승인 대기" in page and "승인하고 게시" not in page
    # The author cannot approve their own draft, even by posting the form.
    refused = ok(dongwook.post(f"/office/publish/drafts/{draft}/approve"), 422)
    assert "승인 담당만" in text_of(refused.text)
    waiting = ok(seojin.get("/office/publish/drafts?org=anyanglove&tab=waiting"), 200).text
    assert "4월 5일 안양천 벚꽃 축제에 오세요" in waiting and "작성: 서동욱" in waiting
    assert "승인하고 게시" in ok(seojin.get(f"/office/publish/drafts/{draft}"), 200).text
    assert query(database_url, select(func.count()).select_from(Status).where(
        Status.text.like("%벚꽃 축제%")))[0][0] == 0
    approved = seojin.follow(ok(seojin.post(f"/office/publish/drafts/{draft}/approve")))
    assert "승인하고 게시했습니다" in approved.text and "게시됨" in approved.text
    [(status_id, account_id, author_id, approver_id)] = query(database_url, select(
        OfficePost.status_id, Status.account_id, OfficePost.account_id, OfficePost.approved_by_id)
        .join(Status, Status.id == OfficePost.status_id))
    # The office sees who wrote it and who approved it.
    posts = text_of(ok(seojin.get("/office/posts?org=anyanglove"), 200).text)
    assert "작성: 서동욱" in posts and "승인: 박서진" in posts and "4월 5일 안양천 벚꽃 축제에 오세요" in posts
    # The public sees the city, never the staff member.
    public = httpx.get(f"{web_base}/@anyanglove/{status_id}")
    assert public.status_code == 200 and "4월 5일 안양천 벚꽃 축제에 오세요" in public.text
    assert "서동욱" not in public.text and "dongwook_seo" not in public.text and "박서진" not in public.text
    assert author_id != account_id and approver_id != author_id


def test_without_approval_a_publisher_posts_at_once(web_base: str, database_url: str) -> None:
    office_of(database_url, approval=False)
    dongwook = person(web_base, "dongwook_seo")
    assert 'value="publish"' in ok(dongwook.get("/office/publish"), 200).text
    posted = dongwook.follow(ok(dongwook.post("/office/publish", {
        "organisation": "anyanglove", "action": "publish", "category": "transport", "visibility": "public",
        "text": "내일 평촌대로 교통 통제 안내"})))
    assert "기관 이름으로 게시했습니다" in posted.text
    rows = query(database_url, select(Status.text).join(OfficePost, OfficePost.status_id == Status.id))
    assert rows == [("내일 평촌대로 교통 통제 안내",)]


def test_refused_forms_keep_what_was_typed_and_write_nothing(sqlite_web_base: str, sqlite_url: str) -> None:
    office_of(sqlite_url, approval=False)
    dongwook = person(sqlite_web_base, "dongwook_seo")
    for fields, field, reason in (
        ({"text": "  "}, "text", "내용을 입력해 주세요"),
        ({"text": "가" * 141}, "text", "글자 수 제한"),
        ({"text": "축제 안내", "category": "sports"}, "category", "분류는"),
        ({"text": "축제 안내", "scheduled_at": "내일 오후"}, "scheduled_at", "예약 시각은"),
        ({"text": "축제 안내", "scheduled_at": "2001-01-01T10:00"}, "scheduled_at", "5분 뒤"),
        ({"text": "축제 안내", "visibility": "everyone"}, "visibility", "공개 범위"),
    ):
        page = ok(dongwook.post("/office/publish", {"organisation": "anyanglove", "action": "publish",
                                                    "visibility": "public", **fields}), 422).text
        assert f'id="f-{field}-error"' in page and reason in text_of(page), (fields, text_of(page)[:2000])
        assert 'aria-invalid="true"' in page
        if fields["text"].strip():
            assert fields["text"] in page
    assert query(sqlite_url, select(func.count()).select_from(OfficeDraft))[0][0] == 0
    assert query(sqlite_url, select(func.count()).select_from(Status))[0][0] == 0
    assert ok(dongwook.post("/office/publish", {"action": "shout", "text": "글"}), 422).status_code == 422
    assert dongwook.get("/office/publish/drafts/123abc").status_code == 404
    assert dongwook.get("/office/publish/drafts/99999").status_code == 404
    assert dongwook.get("/office/calendar?month=2026-13").status_code == 400
    assert dongwook.get("/office/publish/drafts?tab=everything").status_code == 404


def test_outsiders_and_readers_are_kept_out(sqlite_web_base: str, sqlite_url: str) -> None:
    office_of(sqlite_url, approval=False)
    minsu, responder = person(sqlite_web_base, "minsu"), person(sqlite_web_base, "jiwoo_han")
    assert minsu.get("/office/publish").status_code == 403
    assert minsu.get("/office/calendar").status_code == 403
    assert minsu.post("/office/publish", {"organisation": "anyanglove", "action": "publish",
                                          "text": "시청 사칭 글"}).status_code == 403
    assert responder.get("/office/publish").status_code == 403  # answers, does not announce
    assert responder.get("/office/calendar").status_code == 200  # but sees the calendar
    assert query(sqlite_url, select(func.count()).select_from(Status))[0][0] == 0
    assert WebClient(sqlite_web_base).get("/office/publish").status_code == 303  # guests sign in first


def test_calendar_move_and_cancel(sqlite_web_base: str, sqlite_url: str, clock: FrozenClock) -> None:
    office_of(sqlite_url, approval=False)
    dongwook = person(sqlite_web_base, "dongwook_seo")
    for text, at in (("3월 5일 문화 행사 안내", "2026-03-05T18:00"), ("취소될 공지", "2026-03-06T09:00")):
        ok(dongwook.post("/office/publish", {"organisation": "anyanglove", "action": "publish", "category": "culture",
                                             "visibility": "public", "text": text, "scheduled_at": at}))
    page = ok(dongwook.get("/office/calendar?org=anyanglove&month=2026-03"), 200).text
    assert "2026년 3월" in text_of(page) and "3월 5일 문화 행사 안내" in page and "작성: 서동욱" in page
    ids = [int(i) for i in re.findall(r'/office/publish/drafts/(\d+)/move', page)]
    assert len(ids) == 2
    back = "/office/calendar?org=anyanglove&month=2026-03"
    moved = dongwook.follow(ok(dongwook.post(f"/office/publish/drafts/{ids[0]}/move", {
        "scheduled_at": "2026-03-20T10:00", "back": back})))
    assert "예약 시각을 옮겼습니다" in moved.text
    refused = ok(dongwook.post(f"/office/publish/drafts/{ids[0]}/move", {"scheduled_at": "2026-03-01T10:00",
                                                                        "back": back}))
    assert "notice=office_refused" in refused.headers["location"]
    ok(dongwook.post(f"/office/publish/drafts/{ids[1]}/cancel", {"back": back}))
    rows = query(sqlite_url, select(OfficeDraft.text, OfficeDraft.state, OfficeDraft.scheduled_at).order_by(OfficeDraft.id))
    assert [(t, s, a.isoformat()) for t, s, a in rows] == [
        ("3월 5일 문화 행사 안내", "scheduled", "2026-03-20T01:00:00+00:00"), ("취소될 공지", "cancelled", "2026-03-06T00:00:00+00:00")]
    page = text_of(ok(dongwook.get("/office/calendar?org=anyanglove&month=2026-03"), 200).text)
    assert "취소될 공지" not in page and "3월 5일 문화 행사 안내" in page


def test_office_admin_gives_office_roles_and_turns_approval_on(sqlite_web_base: str, sqlite_url: str) -> None:
    from madang.models.desk import StaffMember
    from madang.models.office import OfficeSettings

    office_of(sqlite_url, approval=False)
    admin, dongwook = person(sqlite_web_base, "desk_admin"), person(sqlite_web_base, "dongwook_seo")
    assert dongwook.get("/office/staff").status_code == 403
    page = ok(admin.get("/office/staff?org=anyanglove"), 200).text
    assert "게시 담당" in page and "@dongwook_seo" in page and "지금은 게시 담당이 승인 없이 바로 게시합니다" in page
    [(member_id,)] = query(sqlite_url, select(StaffMember.id).where(StaffMember.office_role == "responder"))
    refused = ok(admin.post(f"/office/staff/{member_id}/role", {"org": "anyanglove", "office_role": "king"}), 422)
    assert "홍보 역할은" in text_of(refused.text) and f'id="f-office-role-{member_id}-error"' in refused.text
    ok(admin.post(f"/office/staff/{member_id}/role", {"org": "anyanglove", "office_role": "publisher"}))
    assert query(sqlite_url, select(StaffMember.office_role).where(StaffMember.id == member_id)) == [("publisher",)]
    assert dongwook.post("/office/staff/approval", {"org": "anyanglove", "required": "1"}).status_code == 403
    ok(admin.post("/office/staff/approval", {"org": "anyanglove", "required": "1"}))
    assert query(sqlite_url, select(OfficeSettings.approval_required)) == [(True,)]
    assert 'value="submit"' in ok(dongwook.get("/office/publish"), 200).text


def test_a_long_link_becomes_a_counted_short_link_of_the_post(sqlite_web_base: str, sqlite_url: str) -> None:
    from madang.models.short_links import ShortLink, ShortLinkDay

    office_of(sqlite_url, approval=False)
    dongwook = person(sqlite_web_base, "dongwook_seo")
    assert 'name="shorten" type="checkbox" value="1" checked' in ok(dongwook.get("/office/publish"), 200).text
    long_url = "https://www.anyang.go.kr/main/selectBbsNttView.do?key=1234&bbsNo=57&nttNo=98765&searchCtgry="
    ok(dongwook.post("/office/publish", {
        "organisation": "anyanglove", "action": "publish", "visibility": "public", "shorten": "1",
        "text": f"안양시 공지를 확인하세요 {long_url}"}))
    (text, status_id), = query(sqlite_url, select(Status.text, Status.id).join(OfficePost,
                                                                              OfficePost.status_id == Status.id))
    assert long_url not in text
    code = re.search(r"/s/([A-Za-z0-9]+)", text).group(1)
    assert query(sqlite_url, select(ShortLink.url, ShortLink.status_id).where(ShortLink.code == code)) == \
        [(long_url, status_id)]
    reader = WebClient(sqlite_web_base)
    for _ in range(2):
        click = reader.get(f"/s/{code}")
        assert click.status_code == 302 and click.headers["location"] == long_url
    assert query(sqlite_url, select(func.sum(ShortLinkDay.clicks))) == [(2,)]
    # Unticked, the link stays as written.
    ok(dongwook.post("/office/publish", {
        "organisation": "anyanglove", "action": "publish", "visibility": "public", "text": f"원문 {long_url}"}))
    assert (f"원문 {long_url}",) in query(sqlite_url, select(Status.text))
