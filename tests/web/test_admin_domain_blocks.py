"""The admin's 도메인 차단 page on a real server (SQLite and PostgreSQL): add a block with a
severity and comments, change it, remove it, choose who sees the public list; refusals in Korean
(and English); every action in the audit log; non-admins refused."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select, update

from madang.models import DomainBlock, User
from tests.web.client import WebClient
from tests.web.test_admin_moderation import PASSWORD, _db, citizen, make_admin, text_of


def _block_ids(html: str) -> list[str]:
    return re.findall(r'action="/admin/domain-blocks/(\d+)/delete"', html)


def _count(url: str) -> int:
    return _db(url, lambda s: s.scalar(select(func.count()).select_from(DomainBlock)))


def test_an_admin_blocks_changes_and_lifts_a_domain_block_on_the_web(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    page = admin.get("/admin/domain-blocks")
    assert page.status_code == 200 and "차단한 도메인이 없습니다" in page.text
    assert 'href="/admin/domain-blocks"' in admin.get("/admin/reports").text  # in the admin navigation

    added = admin.post("/admin/domain-blocks", {"domain": "Spam.Example", "severity": "suspend", "reject_media": "1",
                                                "obfuscate": "1", "public_comment": "스팸을 보내는 서버",
                                                "private_comment": "신고 3건"})
    assert added.status_code == 303
    listed = admin.follow(added)
    assert "도메인을 차단했습니다" in listed.text
    text = text_of(listed.text)
    assert "spam.example" in text and "정지" in text and "사진·동영상 거부" in text and "공개 목록에서 가림" in text
    assert "스팸을 보내는 서버" in text and "신고 3건" in text
    [block_id] = _block_ids(listed.text)
    # An internationalised domain is shown as people write it, with its stored ASCII form.
    assert admin.post("/admin/domain-blocks", {"domain": "한국.kr", "severity": "silence"}).status_code == 303
    korean = text_of(admin.get("/admin/domain-blocks").text)
    assert "한국.kr" in korean and "xn--3e0b707e.kr" in korean

    public = httpx.get(f"{web_base}/api/v1/instance/domain_blocks").json()
    assert {b["domain"] for b in public} == {"spam.****ple", "xn--3e0b707e.kr"}

    edit = admin.get(f"/admin/domain-blocks/{block_id}/edit")
    assert edit.status_code == 200 and "신고 3건" in edit.text and 'value="suspend" checked' in edit.text
    changed = admin.post(f"/admin/domain-blocks/{block_id}", {"severity": "silence", "public_comment": "광고",
                                                              "private_comment": "신고 3건"})
    assert changed.status_code == 303 and "도메인 차단을 바꿨습니다" in admin.follow(changed).text
    edit = admin.get(f"/admin/domain-blocks/{block_id}/edit")
    assert 'value="silence" checked' in edit.text and 'name="reject_media" value="1" checked' not in edit.text

    removed = admin.post(f"/admin/domain-blocks/{block_id}/delete")
    assert removed.status_code == 303 and "도메인 차단을 해제했습니다" in admin.follow(removed).text
    assert _count(database_url) == 1

    # Who sees the public list is chosen here too.
    assert admin.post("/admin/domain-blocks/visibility", {"visibility": "disabled"}).status_code == 303
    assert httpx.get(f"{web_base}/api/v1/instance/domain_blocks").status_code == 404
    assert 'value="disabled" checked' in admin.get("/admin/domain-blocks").text
    assert admin.post("/admin/domain-blocks/visibility", {"visibility": "all"}).status_code == 303
    assert httpx.get(f"{web_base}/api/v1/instance/domain_blocks").status_code == 200

    log = text_of(admin.get("/admin/audit").text)
    for entry in ("도메인 차단", "도메인 차단 변경", "도메인 차단 해제", "spam.example", "xn--3e0b707e.kr", "서버 설정 변경"):
        assert entry in log, entry


def test_bad_input_is_refused_in_korean_and_changes_nothing(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    for form, message in [({"domain": "", "severity": "suspend"}, "차단할 도메인을 입력해 주세요"),
                          ({"domain": "http://x", "severity": "suspend"}, "도메인 형식이 올바르지 않습니다"),
                          ({"domain": "a" * 300 + ".example", "severity": "suspend"}, "도메인은 253자까지"),
                          ({"domain": "spam.example", "severity": "ban"}, "차단 수준을 골라 주세요"),
                          ({"domain": "spam.example", "severity": "suspend", "public_comment": "가" * 2001},
                           "메모는 2000자까지")]:
        refused = admin.post("/admin/domain-blocks", form)
        assert refused.status_code == 422, form
        assert message in refused.text and 'aria-invalid="true"' in refused.text, (form, text_of(refused.text)[:300])
        assert form["domain"][:50] in refused.text  # what was typed stays in the form
    assert _count(database_url) == 0
    assert admin.post("/admin/domain-blocks", {"domain": "spam.example", "severity": "suspend"}).status_code == 303
    twice = admin.post("/admin/domain-blocks", {"domain": "SPAM.example", "severity": "suspend"})
    assert twice.status_code == 422 and "이미 차단한 도메인입니다" in twice.text
    covered = admin.post("/admin/domain-blocks", {"domain": "a.spam.example", "severity": "silence"})
    assert covered.status_code == 422 and "spam.example 차단이 이미" in covered.text
    [block_id] = _block_ids(admin.get("/admin/domain-blocks").text)
    bad_change = admin.post(f"/admin/domain-blocks/{block_id}", {"severity": "everything"})
    assert bad_change.status_code == 422 and "차단 수준을 골라 주세요" in bad_change.text
    assert admin.post("/admin/domain-blocks/visibility", {"visibility": "some"}).status_code == 422
    assert admin.get("/admin/domain-blocks/999/edit").status_code == 404
    # A form without its CSRF token is refused.
    assert admin.post("/admin/domain-blocks", {"domain": "other.example", "severity": "suspend"},
                      csrf=False).status_code == 403
    assert _count(database_url) == 1
    # The same refusal in English for an admin who reads English (a signed-in reader's language
    # is their setting).
    _db(database_url, lambda s: s.execute(update(User).values(locale="en")))
    english = WebClient(web_base)
    assert english.sign_in("city_admin", PASSWORD).status_code == 303
    answer = english.post("/admin/domain-blocks", {"domain": "", "severity": "suspend"})
    assert answer.status_code == 422 and "Enter the domain to block." in answer.text
    assert "Domain blocks" in answer.text


def test_non_admins_are_refused_in_korean(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    assert admin.post("/admin/domain-blocks", {"domain": "spam.example", "severity": "suspend"}).status_code == 303
    [block_id] = _block_ids(admin.get("/admin/domain-blocks").text)
    person = citizen(web_base, "citizen")
    page = person.get("/admin/domain-blocks")
    assert page.status_code == 403 and "서버 관리자 권한이 필요합니다" in page.text
    for path, form in [("/admin/domain-blocks", {"domain": "other.example", "severity": "suspend"}),
                       (f"/admin/domain-blocks/{block_id}", {"severity": "noop"}),
                       (f"/admin/domain-blocks/{block_id}/delete", {}),
                       ("/admin/domain-blocks/visibility", {"visibility": "disabled"})]:
        refused = person.post(path, form)
        assert refused.status_code == 403 and "서버 관리자 권한이 필요합니다" in refused.text, path
    assert person.get(f"/admin/domain-blocks/{block_id}/edit").status_code == 403
    guest = WebClient(web_base).get("/admin/domain-blocks")
    assert guest.status_code in (302, 303) and "/auth/sign_in" in guest.headers["location"]
    assert _count(database_url) == 1
    assert httpx.get(f"{web_base}/api/v1/instance/domain_blocks").status_code == 200
