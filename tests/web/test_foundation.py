"""Sign-up, sign-in and out, the home timeline and posting through plain forms (no JavaScript)."""

from __future__ import annotations

import re

from tests.web.client import WebClient


def test_sign_up_post_and_read_it_on_home_and_the_local_timeline(web_base: str) -> None:
    web = WebClient(web_base)
    answer = web.sign_up("minji")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/home")
    cookie = answer.headers["set-cookie"]
    assert "madang_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = web.follow(answer)
    assert home.status_code == 200 and 'lang="ko"' in home.text and "가입을 환영합니다" in home.text

    posted = web.post("/statuses", {"status": "안녕하세요 #안양", "visibility": "public", "form_key": "k1"})
    assert posted.status_code == 303
    page = web.follow(posted)
    assert "게시했습니다" in page.text and "안녕하세요" in page.text
    # The same form sent twice (a double click) posts once.
    web.post("/statuses", {"status": "안녕하세요 #안양", "visibility": "public", "form_key": "k1"})
    assert web.get("/home").text.count("안녕하세요 <a") == 1

    guest = WebClient(web_base)
    local = guest.get("/public/local")
    assert local.status_code == 200 and "안녕하세요" in local.text and "@minji" in local.text


def test_sign_in_keeps_the_typed_login_and_does_not_say_which_part_was_wrong(web_base: str) -> None:
    WebClient(web_base).sign_up("seoyeon")
    web = WebClient(web_base)
    wrong_password = web.sign_in("seoyeon", "틀린비밀번호입니다")
    unknown_user = web.sign_in("nobody_here", "틀린비밀번호입니다")
    assert wrong_password.status_code == unknown_user.status_code == 401
    message = "이메일(또는 사용자 이름)이나 비밀번호가 올바르지 않습니다."
    assert message in wrong_password.text and message in unknown_user.text
    assert 'value="seoyeon"' in wrong_password.text

    ok = web.sign_in("seoyeon@example.kr", "비밀번호는길게1234")
    assert ok.status_code == 303
    assert web.follow(ok).status_code == 200
    out = web.post("/auth/sign_out")
    assert out.status_code == 303 and web.get("/home").status_code == 303


def test_signed_out_session_cannot_be_replayed(web_base: str) -> None:
    web = WebClient(web_base)
    web.sign_up("replay")
    secret = web.http.cookies.get("madang_session")
    web.post("/auth/sign_out")
    thief = WebClient(web_base)
    thief.http.cookies.set("madang_session", secret)
    assert thief.get("/home").status_code == 303


def test_sign_up_errors_are_next_to_their_fields_and_nothing_is_written(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    web.sign_up("taken")
    other = WebClient(sqlite_web_base)
    other.get("/auth/sign_up")
    answer = other.post("/auth/sign_up", {"username": "taken", "email": "new@example.kr", "display_name": "새 시민",
                                          "password": "비밀번호는길게1234", "password_confirmation": "비밀번호는길게1234",
                                          "agreement": "1"})
    assert answer.status_code == 422
    assert "이미 사용 중인 사용자 이름입니다." in answer.text
    assert 'value="new@example.kr"' in answer.text and 'value="새 시민"' in answer.text
    assert re.search(r'id="f-username"[^>]*aria-invalid="true"', answer.text, re.S)

    bad = other.post("/auth/sign_up", {"username": "Bad Name!", "email": "x", "password": "짧음",
                                       "password_confirmation": "다름"})
    assert bad.status_code == 422
    assert "비밀번호 확인이 일치하지 않습니다." in bad.text and "서버 규칙에 동의해야" in bad.text
    assert other.sign_in("new@example.kr", "비밀번호는길게1234").status_code == 401


def test_forms_without_the_csrf_token_are_refused(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    web.sign_up("csrfcheck")
    forged = web.post("/statuses", {"status": "위조된 글"}, csrf=False)
    assert forged.status_code == 403 and "보안 토큰" in forged.text
    wrong = web.post("/statuses", {"status": "위조된 글", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert "위조된 글" not in web.get("/home").text


def test_too_long_post_keeps_the_draft_and_says_why(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    web.sign_up("longpost")
    draft = "가" * 141
    answer = web.post("/statuses", {"status": draft})
    assert answer.status_code == 422
    assert "글자 수 제한(140자)을 넘었습니다. 지금 141자입니다." in answer.text
    assert draft in answer.text
    assert draft not in web.get("/home").text


def test_pages_are_english_on_request_and_carry_security_headers(sqlite_web_base: str) -> None:
    english = WebClient(sqlite_web_base, accept_language="en-US,en;q=0.9")
    page = english.get("/auth/sign_in")
    assert 'lang="en"' in page.text and "Sign in" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    korean = WebClient(sqlite_web_base)
    chosen = korean.get("/lang/en?next=/auth/sign_in")
    assert chosen.status_code == 303 and 'lang="en"' in korean.follow(chosen).text


def test_unknown_pages_and_bad_cursors_are_korean_errors_not_500(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    missing = web.get("/no/such/page")
    assert missing.status_code == 404 and "찾을 수 없습니다" in missing.text and 'lang="ko"' in missing.text
    bad = web.get("/public/local?max_id=abc")
    assert bad.status_code == 400 and "페이지 주소가 올바르지 않습니다" in bad.text
    assert web.get("/home").headers["location"].startswith("/auth/sign_in?next=%2Fhome")


def test_the_about_page_says_who_runs_the_server_and_what_it_keeps(sqlite_web_base: str) -> None:
    WebClient(sqlite_web_base).sign_up("aboutcheck")
    page = WebClient(sqlite_web_base).get("/about")
    assert page.status_code == 200 and "이 서버에 대하여" in page.text
    assert re.search(r"<dt>가입한 사람</dt><dd>1</dd>", page.text)
    assert "위치 정보(GPS)" in page.text
    english = WebClient(sqlite_web_base, accept_language="en").get("/about")
    assert "People signed up" in english.text
