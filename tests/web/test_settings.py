"""Settings pages: profile and photos, password, signed-in browsers and authorized apps."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image

from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def photo(size: tuple[int, int] = (800, 600), colour: str = "orange", fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def test_profile_name_bio_photos_and_language_are_saved_and_shown(web_base: str) -> None:
    web = WebClient(web_base)
    web.sign_up("hana")
    page = web.get("/settings/profile")
    assert page.status_code == 200 and "프로필 설정" in page.text and 'aria-current="page"' in page.text
    saved = web.post("/settings/profile", {"display_name": "하나 🌸", "note": "안양천 근처에 삽니다 #안양",
                                           "locked": "1", "discoverable": "1", "indexable": "1", "locale": "ko",
                                           "default_visibility": "unlisted"},
                     files={"avatar": ("me.jpg", photo(), "image/jpeg"),
                            "header": ("sky.png", photo((3000, 1200), "skyblue", "PNG"), "image/png")})
    assert saved.status_code == 303, saved.text[:500]
    again = web.follow(saved)
    assert "저장했습니다." in again.text and 'value="하나 🌸"' in again.text and "안양천 근처에 삽니다" in again.text
    assert re.search(r'<option value="unlisted" selected', again.text)
    avatar = re.search(r'src="(/media/avatars/[^"]+)"', again.text).group(1)  # type: ignore[union-attr]
    header = re.search(r'src="(/media/headers/[^"]+)"', again.text).group(1)  # type: ignore[union-attr]
    image = Image.open(io.BytesIO(web.get(avatar).content))
    assert image.size == (400, 400)
    assert Image.open(io.BytesIO(web.get(header).content)).size == (1500, 500)
    # The API sees the same profile.
    account = httpx.get(f"{web_base}/api/v1/accounts/lookup", params={"acct": "hana"}).json()
    assert account["display_name"] == "하나 🌸" and account["locked"] is True and "/media/avatars/" in account["avatar"]

    # The page language follows the setting at once (the cached viewer is forgotten).
    web.post("/settings/profile", {"display_name": "하나", "note": "", "locale": "en",
                                   "default_visibility": "public"})
    english = web.get("/settings/profile")
    assert 'lang="en"' in english.text

    # Replacing the avatar removes the old file (by a job, soon after).
    web.post("/settings/profile", {"display_name": "하나", "note": "", "locale": "ko", "default_visibility": "public",
                                   "remove_avatar": "1"})
    for _ in range(100):
        if web.get(avatar).status_code == 404:
            break
        import time
        time.sleep(0.1)
    assert web.get(avatar).status_code == 404


def test_bad_profile_input_keeps_what_was_typed_and_changes_nothing(sqlite_web_base: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    web = WebClient(sqlite_web_base)
    web.sign_up("dubu")
    too_long = web.post("/settings/profile", {"display_name": "가" * 31, "note": "새 소개", "locale": "ko",
                                              "default_visibility": "public"},
                        files={"avatar": ("me.jpg", photo(), "image/jpeg")})
    assert too_long.status_code == 422
    assert "표시 이름은 30자까지 쓸 수 있습니다." in too_long.text and "가" * 31 in too_long.text
    assert re.search(r'id="f-display_name"[^>]*aria-invalid="true"', too_long.text)
    not_image = web.post("/settings/profile", {"display_name": "두부", "note": "", "locale": "ko",
                                               "default_visibility": "public"},
                         files={"avatar": ("evil.jpg", b"<?php echo 1; ?>", "image/jpeg")})
    assert not_image.status_code == 422 and "JPEG, PNG, WebP, GIF 사진만" in not_image.text
    bad_choice = web.post("/settings/profile", {"display_name": "두부", "note": "", "locale": "xx",
                                                "default_visibility": "everyone"})
    assert bad_choice.status_code == 422
    page = web.get("/settings/profile")
    assert 'value=""' in page.text and "새 소개" not in page.text and "/media/avatars/" not in page.text
    # No stored file was left behind by the refused uploads.
    media = tmp_path / "media"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_changing_the_password_signs_out_other_browsers_but_not_this_one(web_base: str) -> None:
    web = WebClient(web_base)
    web.sign_up("minsu")
    other = WebClient(web_base)
    assert other.sign_in("minsu", PASSWORD).status_code == 303
    wrong = web.post("/settings/password", {"current_password": "틀린비밀번호다", "password": "새비밀번호5678",
                                            "password_confirmation": "새비밀번호5678"})
    assert wrong.status_code == 422 and "지금 비밀번호가 맞지 않습니다." in wrong.text
    assert other.get("/home").status_code == 200
    changed = web.post("/settings/password", {"current_password": PASSWORD, "password": "새비밀번호5678",
                                              "password_confirmation": "새비밀번호5678"})
    assert changed.status_code == 303 and "비밀번호를 바꿨습니다" in web.follow(changed).text
    assert web.get("/home").status_code == 200
    assert other.get("/home").status_code == 303
    assert WebClient(web_base).sign_in("minsu", PASSWORD).status_code == 401
    assert WebClient(web_base).sign_in("minsu", "새비밀번호5678").status_code == 303


def test_sessions_list_marks_this_one_and_signs_out_another(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    web.sign_up("jiwoo")
    phone = WebClient(sqlite_web_base)
    phone.http.headers["User-Agent"] = ("Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 "
                                        "(KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0 Mobile Safari/537.36")
    phone.sign_in("jiwoo", PASSWORD)
    page = web.get("/settings/sessions")
    assert page.status_code == 200 and "현재 세션" in page.text and "삼성 인터넷 (Android)" in page.text
    assert "오전" in page.text or "오후" in page.text  # Seoul time, in Korean
    ids = re.findall(r'action="/settings/sessions/(\d+)/revoke"', page.text)
    assert len(ids) == 1  # only the other one has a button
    assert web.post(f"/settings/sessions/{ids[0]}/revoke").status_code == 303
    assert phone.get("/home").status_code == 303
    assert "삼성 인터넷" not in web.get("/settings/sessions").text
    assert web.post("/settings/sessions/123/revoke").status_code == 404
    assert web.post("/settings/sessions/abc/revoke").status_code == 404
    assert web.get("/home").status_code == 200


def test_authorized_apps_are_listed_and_revoked(sqlite_web_base: str) -> None:
    app = new_app(sqlite_web_base)
    api, username, password = register(sqlite_web_base, app)
    assert api.account_verify_credentials()["username"] == username
    web = WebClient(sqlite_web_base)
    assert web.sign_in(username, password).status_code == 303
    page = web.get("/settings/apps")
    assert "마당 테스트" in page.text and "마당 웹" not in page.text
    app_id = re.search(r'action="/settings/apps/(\d+)/revoke"', page.text).group(1)  # type: ignore[union-attr]
    forged = web.post(f"/settings/apps/{app_id}/revoke", csrf=False)
    assert forged.status_code == 403
    assert web.post(f"/settings/apps/{app_id}/revoke").status_code == 303
    with pytest.raises(Exception):
        api.account_verify_credentials()
    assert "연결된 앱이 없습니다." in web.get("/settings/apps").text
    assert web.get("/home").status_code == 200  # the web session is not an "app"


def test_settings_need_a_signed_in_viewer(sqlite_web_base: str) -> None:
    guest = WebClient(sqlite_web_base)
    for path in ("/settings/profile", "/settings/password", "/settings/sessions", "/settings/apps",
                 "/settings/export", "/settings/delete", "/settings/export/archive.zip"):
        answer = guest.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/sign_in"), path


def test_oauth_consent_as_the_signed_in_viewer_without_the_password_again(sqlite_web_base: str) -> None:
    from urllib.parse import parse_qs, urlsplit

    from tests.mastodon_api.clients import REDIRECT

    app = new_app(sqlite_web_base)
    web = WebClient(sqlite_web_base)
    web.sign_up("sora")
    query = {"client_id": app[0], "redirect_uri": REDIRECT, "response_type": "code", "scope": "read write",
             "state": "s1"}
    page = web.get("/oauth/authorize", params=query)
    assert page.status_code == 200 and "@sora 계정으로 승인" in page.text
    assert "<style" not in page.text and 'class="skip-link"' in page.text and 'name="password"' not in page.text
    form = {**query, "as_viewer": "1", "decision": "approve"}
    assert web.post("/oauth/authorize", form, csrf=False).status_code == 403
    answer = web.post("/oauth/authorize", form)
    assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT)
    params = parse_qs(urlsplit(answer.headers["location"]).query)
    assert params["state"] == ["s1"]
    token = httpx.post(f"{sqlite_web_base}/oauth/token", data={
        "grant_type": "authorization_code", "code": params["code"][0], "client_id": app[0],
        "client_secret": app[1], "redirect_uri": REDIRECT}).json()["access_token"]
    me = httpx.get(f"{sqlite_web_base}/api/v1/accounts/verify_credentials",
                   headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "sora"
    assert "마당 테스트" in web.get("/settings/apps").text
    english = WebClient(sqlite_web_base, accept_language="en")
    assert "Approve" in english.get("/oauth/authorize", params=query).text
