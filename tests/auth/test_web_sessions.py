"""Only the web app's sign-in tokens are browser sessions: a token a third-party app got
(even the admin's) opens no page as that account and posts nothing."""

from __future__ import annotations

import httpx

from tests.auth.helpers import api_token, cookie_client, make_admin, third_party_app, web_citizen

SIGN_IN = "/auth/sign_in"


def _own_statuses(base: str, token: str) -> list[dict]:
    me = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    answer = httpx.get(f"{base}/api/v1/accounts/{me.json()['id']}/statuses",
                       headers={"Authorization": f"Bearer {token}"})
    return answer.json()


def test_an_api_token_as_the_session_cookie_is_not_signed_in(web_base: str) -> None:
    web_citizen(web_base, "reader_owner")
    app = third_party_app(web_base)
    for scope in ("read", "profile", "read write"):
        token = api_token(web_base, app, "reader_owner", scope)
        thief = cookie_client(web_base, token)
        assert thief.get("/home").headers["location"].startswith(SIGN_IN)
        posted = thief.post("/statuses", {"status": f"{scope} 토큰으로 쓴 글", "visibility": "public"})
        assert posted.status_code == 303 and posted.headers["location"].startswith(SIGN_IN), posted.text[:300]
    reader = api_token(web_base, app, "reader_owner", "read")
    assert _own_statuses(web_base, reader) == []


def test_the_admins_profile_token_opens_no_admin_page(web_base: str, database_url: str) -> None:
    web_citizen(web_base, "mayor").close()
    make_admin(database_url, "mayor")
    app = third_party_app(web_base)
    profile = api_token(web_base, app, "mayor", "profile")
    thief = cookie_client(web_base, profile)
    for page in ("/admin/settings", "/admin/reports"):
        answer = thief.get(page)
        assert answer.status_code == 303 and answer.headers["location"].startswith(SIGN_IN), (page, answer.text[:200])
    changed = thief.post("/admin/settings", {"title": "빼앗긴 마당"})
    assert changed.status_code == 303 and changed.headers["location"].startswith(SIGN_IN)

    # The mayor's own sign-in still opens them, and the profile token still works where it belongs.
    mayor = cookie_client(web_base, "")
    assert mayor.sign_in("mayor", "비밀번호는길게1234").status_code == 303
    assert mayor.get("/admin/settings").status_code == 200
    userinfo = httpx.get(f"{web_base}/oauth/userinfo", headers={"Authorization": f"Bearer {profile}"})
    assert userinfo.status_code == 200 and userinfo.json()["preferred_username"] == "mayor"


def test_a_web_session_also_works_as_a_bearer_token_as_in_mastodon(web_base: str) -> None:
    web = web_citizen(web_base, "both_ways")
    secret = web.http.cookies["madang_session"]
    posted = web.post("/statuses", {"status": "웹에서 쓴 글", "visibility": "public"})
    assert posted.status_code == 303
    assert [s["content"] for s in _own_statuses(web_base, secret)] == ["<p>웹에서 쓴 글</p>"]


def test_signing_out_with_an_api_token_as_cookie_does_not_revoke_it(web_base: str) -> None:
    web_citizen(web_base, "keeps_app")
    token = api_token(web_base, third_party_app(web_base), "keeps_app", "read")
    thief = cookie_client(web_base, token)
    assert thief.post("/auth/sign_out").status_code == 303
    still = httpx.get(f"{web_base}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    assert still.status_code == 200
