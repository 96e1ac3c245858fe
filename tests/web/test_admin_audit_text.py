"""The audit log reads as sentences: the actor, the target and the report link are separated and
labelled, so neither a screen reader nor a copy-paste runs them together (issue 13: "처리자
@admin_kim@kim_minsu신고 보기")."""

from __future__ import annotations

import re
from html import unescape

from tests.mastodon_api.clients import new_app, register
from tests.web.test_admin_moderation import citizen, make_admin


def text_content(html: str) -> str:
    """What the DOM's textContent gives: tags removed, nothing added between elements."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def test_audit_rows_separate_actor_target_and_link(sqlite_web_base: str, sqlite_url: str) -> None:
    admin = make_admin(sqlite_web_base, sqlite_url, "admin_kim")
    reporter = citizen(sqlite_web_base, "reporter")
    troll_api, _, _ = register(sqlite_web_base, new_app(sqlite_web_base), "kim_minsu")
    bad = troll_api.status_post("욕설이 담긴 글입니다")
    form = reporter.get(f"/reports/new?status_id={bad['id']}")
    account_id = re.search(r'name="account_id" value="(\d+)"', form.text).group(1)  # type: ignore[union-attr]
    assert reporter.post("/reports", {"account_id": account_id, "category": "other", "comment": "욕설",
                                      "status_ids": bad["id"]}).status_code == 303
    report_url = re.search(r'href="(/admin/reports/\d+)"', admin.get("/admin/reports").text).group(1)  # type: ignore[union-attr]
    assert admin.post(f"{report_url}/suspend", {"reason": "반복된 욕설"}).status_code == 303

    page = admin.get("/admin/audit").text
    rows = [text_content(li) for li in re.findall(r"<li>(.*?)</li>", page, re.S)]
    [row] = [r for r in rows if "계정 정지" in r]
    assert "처리자: @admin_kim · 대상: @kim_minsu · 신고 보기" in row, row
    assert "@admin_kim@kim_minsu" not in row and "kim_minsu신고" not in row
    for web in (admin, reporter):
        web.close()
