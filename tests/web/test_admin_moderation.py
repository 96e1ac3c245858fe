"""Moderation on a real server: a citizen reports a post on the web, the admin sees it in context,
deletes it with a reason and suspends its author, who can then neither post (Mastodon.py) nor sign
in; sign-ups closed, by approval and from blocked e-mail domains, on the API and the web; instance
settings saved on the web and read back from the instance API, the new character limit enforced."""

from __future__ import annotations

import asyncio
import re
from html import unescape

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonIllegalArgumentError
from sqlalchemy import select, update

from madang.db import Database
from madang.models import Account, Status, User
from tests.mastodon_api.clients import client, new_app, register
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def _db(url: str, work):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        db = Database(url)
        try:
            async with db.write() as s:
                return await work(s)
        finally:
            await db.dispose()
    return asyncio.run(run())


def make_admin(base: str, url: str, username: str) -> WebClient:
    """Signs up on the web, is made an admin (as `madang accounts create --admin` would), signs in."""
    first = WebClient(base)
    assert first.sign_up(username).status_code == 303
    first.close()

    async def promote(s):  # type: ignore[no-untyped-def]
        account_id = select(Account.id).where(Account.username == username).scalar_subquery()
        await s.execute(update(User).where(User.account_id == account_id).values(admin=True))
    _db(url, promote)
    admin = WebClient(base)
    assert admin.sign_in(username, PASSWORD).status_code == 303
    return admin


def citizen(base: str, username: str) -> WebClient:
    web = WebClient(base)
    assert web.sign_up(username).status_code == 303
    return web


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_a_reported_post_is_deleted_with_a_reason_and_its_author_suspended(web_base: str, database_url: str) -> None:
    admin = make_admin(web_base, database_url, "city_admin")
    reporter = citizen(web_base, "reporter")
    app = new_app(web_base)
    troll_api, troll, troll_password = register(web_base, app, "troll")
    opener = troll_api.status_post("안양천 산책로 정비 언제 하나요?")
    bad = troll_api.status_post("욕설이 담긴 답글입니다", in_reply_to_id=opener["id"])
    # The reporter sees a 신고 action on the post's page, and files a report with the web form.
    page = reporter.get(f"/@troll/{bad['id']}")
    assert page.status_code == 200 and f"/reports/new?status_id={bad['id']}" in page.text
    form = reporter.get(f"/reports/new?status_id={bad['id']}")
    assert form.status_code == 200 and "욕설이 담긴 답글입니다" in form.text
    account_id = re.search(r'name="account_id" value="(\d+)"', form.text).group(1)  # type: ignore[union-attr]
    too_long = reporter.post("/reports", {"account_id": account_id, "category": "other", "comment": "가" * 1001,
                                          "status_ids": bad["id"]})
    assert too_long.status_code == 422 and "1000자까지" in too_long.text
    sent = reporter.post("/reports", {"account_id": account_id, "category": "spam", "comment": "욕설을 합니다",
                                      "status_ids": bad["id"], "next": f"/@troll/{bad['id']}"})
    assert sent.status_code == 303 and "신고를 보냈습니다" in reporter.follow(sent).text

    # Others may not see the queue.
    assert reporter.get("/admin/reports").status_code == 403
    assert WebClient(web_base).get("/admin/reports").status_code == 303  # a guest goes to sign in

    queue = admin.get("/admin/reports")
    assert queue.status_code == 200 and "@troll" in queue.text and "욕설을 합니다" in queue.text
    report_url = re.search(r'href="(/admin/reports/\d+)"', queue.text).group(1)  # type: ignore[union-attr]
    # Reports by a readable label and category names, not snowflake ids and codes.
    assert re.search(r'href="/admin/reports/\d+">신고 #1 · @troll</a>', queue.text), queue.text
    assert "스팸·광고" in queue.text and "· spam ·" not in queue.text
    report = admin.get(report_url).text
    assert "<h1>신고 #1 · @troll</h1>" in report and "<dd>스팸·광고</dd>" in report
    assert report_url.rsplit("/", 1)[1] not in report.split("<h1>")[1].split("</h1>")[0]
    assert "욕설이 담긴 답글입니다" in report and "안양천 산책로 정비 언제 하나요?" in report  # the post in its thread

    # A deletion needs a reason: refused without one, nothing deleted.
    delete_url = f"{report_url}/statuses/{bad['id']}/delete"
    refused = admin.post(delete_url, {"reason": " "})
    assert refused.status_code == 422 and "사유를 적어 주세요" in refused.text
    assert reporter.get(f"/@troll/{bad['id']}").status_code == 200
    done = admin.post(delete_url, {"reason": "욕설 금지 규칙 위반"})
    assert done.status_code == 303 and "글을 삭제했습니다" in admin.follow(done).text
    assert reporter.get(f"/@troll/{bad['id']}").status_code == 404
    deleted = _db(database_url, lambda s: s.get(Status, int(bad["id"])))
    assert deleted is not None and deleted.deleted_at is not None  # kept, hidden

    suspended = admin.post(f"{report_url}/suspend", {"reason": "반복된 욕설"})
    assert suspended.status_code == 303 and "계정을 정지했습니다" in admin.follow(suspended).text

    # The suspended account can neither post through its app nor sign in on the web.
    with pytest.raises(MastodonAPIError) as refused_post:
        troll_api.status_post("다시 올려 봅니다")
    assert refused_post.value.args[1] in (401, 403)
    signed = WebClient(web_base).sign_in("troll", troll_password)
    assert signed.status_code == 403 and "관리자가 정지한 계정입니다" in signed.text
    assert reporter.get("/@troll").status_code == 404
    assert "안양천 산책로 정비" not in reporter.get("/public/local").text

    # Every action is in the audit log, with its reason, and in the account's history.
    log = text_of(admin.get("/admin/audit").text)
    for entry in ("글 삭제", "욕설 금지 규칙 위반", "신고 처리 완료", "계정 정지", "반복된 욕설"):
        assert entry in log
    history = text_of(admin.get(f"/admin/accounts/{account_id}").text)
    assert "계정 정지" in history and "반복된 욕설" in history and "정지됨" in history
    unsuspended = admin.post(f"/admin/accounts/{account_id}/unsuspend", {"reason": "이의 신청 받아들임"})
    assert unsuspended.status_code == 303
    assert "계정 정지 해제" in text_of(admin.get("/admin/audit").text)
    for web in (admin, reporter):
        web.close()


def api_sign_up(base: str, app: tuple[str, str], username: str, email: str, **extra: str) -> httpx.Response:
    """POST /api/v1/accounts as an app does, for the status code (Mastodon.py keeps only the message)."""
    token = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", "client_id": app[0],
                                                    "client_secret": app[1], "scope": "read write"}).json()
    return httpx.post(f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {token['access_token']}"},
                      data={"username": username, "email": email, "password": PASSWORD, "agreement": "true",
                            "locale": "ko", **extra})


def _settings(**overrides: str) -> dict[str, str]:
    values = {"title": "안양 시민 마당", "short_description": "안양 시민의 마당", "description": "시민과 시청이 만나는 곳",
              "contact_email": "help@anyang.example", "contact_username": "", "rules_text": "욕설 금지\n광고 금지",
              "max_characters": "20", "registrations_mode": "open"}
    values.update(overrides)
    return values


def test_instance_settings_and_sign_up_modes(sqlite_web_base: str, sqlite_url: str) -> None:
    base = sqlite_web_base
    admin = make_admin(base, sqlite_url, "city_admin")
    app = new_app(base)
    poster, _, _ = register(base, app, "poster")

    saved = admin.post("/admin/settings", _settings())
    assert saved.status_code == 303
    instance = client(base, app).instance_v2()
    assert instance["title"] == "안양 시민 마당" and instance["description"] == "안양 시민의 마당"
    assert instance["contact"]["email"] == "help@anyang.example"
    assert instance["configuration"]["statuses"]["max_characters"] == 20
    assert [r["text"] for r in instance["rules"]] == ["욕설 금지", "광고 금지"]
    rules = httpx.get(f"{base}/api/v1/instance/rules").json()
    assert [r["text"] for r in rules] == ["욕설 금지", "광고 금지"] and all(r["id"].isdigit() for r in rules)
    assert "안양 시민 마당" in admin.get("/home").text  # the pages' site title
    # The new limit is enforced on posting.
    assert poster.status_post("가" * 20)["content"]
    with pytest.raises(MastodonAPIError) as too_long:
        poster.status_post("가" * 21)
    assert too_long.value.args[1] == 422
    # A bad value is refused next to its field, and nothing changes.
    bad = admin.post("/admin/settings", _settings(max_characters="0", title="바뀌면 안 됨"))
    assert bad.status_code == 422 and "1~5000 사이의 정수" in bad.text and 'aria-invalid="true"' in bad.text
    assert httpx.get(f"{base}/api/v1/instance").json()["title"] == "안양 시민 마당"
    assert admin.post("/admin/settings", _settings(max_characters="5001")).status_code == 422

    # Closed: the API answers 403 as Mastodon, the web says so.
    assert admin.post("/admin/settings", _settings(registrations_mode="closed")).status_code == 303
    assert httpx.get(f"{base}/api/v2/instance").json()["registrations"]["enabled"] is False
    with pytest.raises(MastodonIllegalArgumentError, match="Registrations are closed"):
        register(base, app, "latecomer")
    closed = api_sign_up(base, app, "latecomer", "late@example.org")
    assert closed.status_code == 403 and closed.json()["error"] == "Registrations are closed on this server"
    assert WebClient(base).get("/auth/sign_up").status_code == 403

    # By approval: the sign-up waits; its token and its password are refused until approved.
    assert admin.post("/admin/settings", _settings(registrations_mode="approval")).status_code == 303
    assert httpx.get(f"{base}/api/v2/instance").json()["registrations"]["approval_required"] is True
    waiting_api = client(base, app)
    waiting_api.create_account("waiting", PASSWORD, "waiting@example.org", agreement=True, reason="안양 주민입니다",
                               locale="ko")
    with pytest.raises(MastodonAPIError) as pending:
        waiting_api.account_verify_credentials()
    assert pending.value.args[1] == 403 and "pending approval" in str(pending.value)
    web_waiting = WebClient(base)
    web_waiting.get("/auth/sign_up")
    answer = web_waiting.post("/auth/sign_up", {"username": "webwaiting", "email": "webwaiting@example.kr",
                                                "password": PASSWORD, "password_confirmation": PASSWORD,
                                                "agreement": "1", "reason": "시민 기자입니다"})
    assert answer.status_code == 200 and "가입 신청을 받았습니다" in answer.text
    refused = WebClient(base).sign_in("webwaiting", PASSWORD)
    assert refused.status_code == 403 and "관리자가 아직 승인하지 않았습니다" in refused.text
    queue = admin.get("/admin/registrations")
    assert "안양 주민입니다" in queue.text and "시민 기자입니다" in queue.text
    ids = dict((name, i) for i, name in re.findall(r'/admin/registrations/(\d+)/approve".*?@(\w+)</span>', queue.text,
                                                    re.S))
    assert admin.post(f"/admin/registrations/{ids['waiting']}/approve", {}).status_code == 303
    assert admin.post(f"/admin/registrations/{ids['webwaiting']}/reject", {}).status_code == 303
    assert waiting_api.account_verify_credentials()["username"] == "waiting"
    assert WebClient(base).sign_in("webwaiting", PASSWORD).status_code == 401  # rejected: the account is gone

    # Blocked e-mail domains (and their subdomains) on both sign-ups.
    assert admin.post("/admin/settings", _settings(registrations_mode="open")).status_code == 303
    bad_domain = admin.post("/admin/email-domains", {"domain": "not a domain"})
    assert bad_domain.status_code == 422 and "도메인 형식이 올바르지 않습니다" in bad_domain.text
    assert admin.post("/admin/email-domains", {"domain": "spam.example"}).status_code == 303
    with pytest.raises(MastodonIllegalArgumentError, match="disallowed e-mail provider"):
        client(base, app).create_account("spammer", PASSWORD, "x@mail.spam.example", agreement=True, locale="ko")
    assert api_sign_up(base, app, "spammer", "x@SPAM.example").status_code == 422
    web = WebClient(base)
    web.get("/auth/sign_up")
    refused_web = web.post("/auth/sign_up", {"username": "spammer2", "email": "y@spam.example", "password": PASSWORD,
                                             "password_confirmation": PASSWORD, "agreement": "1"})
    assert refused_web.status_code == 422 and "이 이메일 도메인으로는 가입할 수 없습니다" in refused_web.text
    assert _db(sqlite_url, lambda s: s.scalar(select(Account.id).where(Account.username.in_(["spammer", "spammer2"])))) \
        is None
    log = text_of(admin.get("/admin/audit").text)
    for entry in ("서버 설정 변경", "가입 승인", "가입 거절", "이메일 도메인 차단", "spam.example"):
        assert entry in log
    admin.close()
