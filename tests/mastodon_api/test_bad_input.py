"""Malformed input: every endpoint answers a 4xx JSON error (``{"error": "..."}``) and changes
nothing. Real server, SQLite and PostgreSQL, driven with httpx as a careless client would."""

from __future__ import annotations

from typing import Any

import httpx

from tests.mastodon_api.clients import (
    OOB,
    REDIRECT,
    app_token,
    assert_json_error,
    auth,
    client,
    new_app,
    password_token,
    register,
)


def _state(http: httpx.Client, account_id: str) -> tuple[Any, ...]:
    """What a write could have changed: the account, its posts, the public timeline."""
    account = http.get(f"/api/v1/accounts/{account_id}").json()
    public = [s["id"] for s in http.get("/api/v1/timelines/public", params={"limit": 40}).json()]
    posts = [(s["id"], s["content"], s["edited_at"]) for s in
             http.get(f"/api/v1/accounts/{account_id}/statuses", params={"limit": 40}).json()]
    counts = {k: account[k] for k in ("statuses_count", "followers_count", "following_count")}
    return counts, account["display_name"], account["locked"], public, posts


def test_wrong_types_and_malformed_ids(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    me = api.me().id
    post = api.status_post("마당에 첫 글")
    # A generous timeout: this test sends a few hundred requests, and on a loaded CI box one post
    # once took more than httpx's default 5 s.
    with httpx.Client(base_url=server, headers=auth(api.access_token), timeout=30) as http:
        paged = [
            "/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/마당",
            f"/api/v1/accounts/{me}/statuses", f"/api/v1/accounts/{me}/followers", f"/api/v1/accounts/{me}/following",
            "/api/v1/notifications", "/api/v1/favourites", "/api/v1/bookmarks", "/api/v1/blocks", "/api/v1/mutes",
            "/api/v1/follow_requests", f"/api/v1/statuses/{post.id}/favourited_by",
            f"/api/v1/statuses/{post.id}/reblogged_by",
        ]
        for path in paged + ["/api/v1/accounts/search?q=citizen"]:
            for bad in ("abc", "-1", "0", "2.5", "1e3"):
                assert_json_error(http.get(path, params={"limit": bad}), 400)
        for path in paged:
            for cursor in ("max_id", "since_id", "min_id"):
                for bad in ("abc", "-5", "１２３", "99999999999999999999999"):
                    assert_json_error(http.get(path, params={cursor: bad}), 400)
        assert_json_error(http.get("/api/v1/statuses", params={"id[]": "abc"}), 400)
        assert_json_error(http.get("/api/v1/accounts/relationships", params={"id[]": "abc"}), 400)
        assert_json_error(http.get("/api/v1/notifications", params={"account_id": "abc"}), 400)

        # An id in the path that names nothing, numeric or not, is a 404, as in Mastodon.
        for path in ("/api/v1/statuses/abc", "/api/v1/statuses/999999999", "/api/v1/statuses/-1",
                     "/api/v1/statuses/１２３", "/api/v1/statuses/99999999999999999999999",
                     "/api/v1/statuses/abc/context", "/api/v1/statuses/999999999/history",
                     "/api/v1/statuses/abc/source", "/api/v1/statuses/abc/favourited_by",
                     "/api/v1/accounts/-1", "/api/v1/accounts/abc", "/api/v1/accounts/999999999/statuses",
                     "/api/v1/accounts/abc/followers", "/api/v1/notifications/abc",
                     "/api/v1/notifications/999999999"):
            assert_json_error(http.get(path), 404)
        before = _state(http, me)
        for path in ("/api/v1/statuses/abc/favourite", "/api/v1/statuses/999999999/reblog",
                     "/api/v1/statuses/-1/bookmark", "/api/v1/statuses/abc/pin", "/api/v1/accounts/-1/follow",
                     "/api/v1/accounts/abc/block", "/api/v1/accounts/999999999/mute",
                     "/api/v1/follow_requests/abc/authorize", "/api/v1/notifications/abc/dismiss"):
            assert_json_error(http.post(path), 404)
        assert_json_error(http.delete("/api/v1/statuses/abc"), 404)
        assert_json_error(http.put("/api/v1/statuses/999999999", data={"status": "고침"}), 404)
        assert _state(http, me) == before

        # Unknown parameters are ignored, even ones that look like array indexes.
        for path in ("/api/v1/timelines/tag/마당", f"/api/v1/accounts/{me}/statuses", "/api/v1/notifications"):
            assert http.get(path, params={"0": "false", "1[0]": "x"}).status_code == 200
        before_json = _state(http, me)
        assert_json_error(http.post("/api/v1/statuses", json={"0": "글", "1": "x"}), 422)
        assert _state(http, me) == before_json

        # Unknown routes and methods are JSON errors too.
        assert_json_error(http.get("/api/v1/no_such_thing"), 404)
        assert_json_error(http.delete("/api/v1/timelines/home"), 405)

        # Limits above the maximum are clamped, as Mastodon does, not refused.
        for i in range(40):
            assert http.post("/api/v1/statuses", data={"status": f"{i}번째 글"}).status_code == 200
        page = http.get(f"/api/v1/accounts/{me}/statuses", params={"limit": 1000})
        assert page.status_code == 200 and len(page.json()) == 40
        assert 'rel="next"' in page.headers["link"]
        assert len(http.get(f"/api/v1/accounts/{me}/statuses").json()) == 20
        assert len(http.get("/api/v1/timelines/public", params={"limit": 41, "local": "true"}).json()) == 40
        assert http.get(f"/api/v1/accounts/{me}/followers", params={"limit": 500}).status_code == 200


def test_bad_status_bodies_change_nothing(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    other, _, _ = register(server, app)
    me = api.me().id
    mine = api.status_post("고치기 전의 글")
    gone = other.status_post("곧 지울 글")
    other.status_delete(gone.id)
    private = other.status_post("팔로워에게만", visibility="private")
    json_type = {"Content-Type": "application/json"}
    multipart = {"Content-Type": "multipart/form-data; boundary=xyz"}
    attempts: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("a JSON list", {"json": ["status", "글"]}, (400,)),
        ("a JSON string", {"content": '"글"'.encode(), "headers": json_type}, (400,)),
        ("not JSON", {"content": b"{status: 'nope'", "headers": json_type}, (400,)),
        ("JSON in another encoding", {"content": "{\"status\": \"글\"}".encode("utf-16"), "headers": json_type},
         (400,)),
        ("sensitive=maybe", {"data": {"status": "글", "sensitive": "maybe"}}, (422,)),
        ("sensitive as an object", {"json": {"status": "글", "sensitive": {"a": 1}}}, (422,)),
        ("status as a list", {"json": {"status": ["글"]}}, (422,)),
        ("141 characters", {"data": {"status": "가" * 141}}, (422,)),
        ("141 with the spoiler", {"json": {"status": "가" * 100, "spoiler_text": "나" * 41}}, (422,)),
        ("a blank post", {"data": {"status": "   "}}, (422,)),
        ("no status at all", {"data": {}}, (422,)),
        ("an unknown visibility", {"data": {"status": "글", "visibility": "secret"}}, (422,)),
        ("an unknown language", {"data": {"status": "글", "language": "not a language"}}, (422,)),
        ("a one-option poll", {"data": {"status": "글", "poll[options][]": ["가"], "poll[expires_in]": "300"}},
         (422,)),
        ("a poll ending too soon", {"data": {"status": "글", "poll[options][]": ["가", "나"],
                                             "poll[expires_in]": "10"}}, (422,)),
        ("media", {"data": {"status": "글", "media_ids[]": "123"}}, (422,)),
        ("scheduled in the past", {"data": {"status": "글", "scheduled_at": "2020-01-01T00:00:00Z"}}, (422,)),
        ("scheduled at no date", {"data": {"status": "글", "scheduled_at": "다음 주 월요일"}}, (422,)),
        ("a reply to a deleted post", {"data": {"status": "답글", "in_reply_to_id": gone.id}}, (404,)),
        ("a reply to a post the poster cannot see", {"data": {"status": "답글", "in_reply_to_id": private.id}},
         (404,)),
        ("a reply to no post", {"data": {"status": "답글", "in_reply_to_id": "abc"}}, (404,)),
        ("an oversized JSON body", {"content": b'{"status": "' + b"a" * 1_100_000 + b'"}', "headers": json_type},
         (413,)),
        ("an oversized form", {"content": b"status=" + b"a" * 1_100_000,
                               "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, (413,)),
        ("multipart without a boundary", {"content": b"status=x", "headers": {"Content-Type": "multipart/form-data"}},
         (400,)),
        ("multipart that is not multipart", {"content": b"garbage", "headers": multipart}, (400,)),
        # Cut off before its closing boundary: no field arrives, so it is a blank post.
        ("truncated multipart", {"content": b'--xyz\r\nContent-Disposition: form-data; name="status"\r\n\r\n',
                                 "headers": multipart}, (400, 422)),
    ]
    with httpx.Client(base_url=server, headers=auth(api.access_token)) as http:
        before = _state(http, me)
        for what, request, statuses in attempts:
            answer = http.post("/api/v1/statuses", **request)
            assert answer.status_code in statuses, (what, answer.status_code, answer.text[:200])
            assert_json_error(answer, *statuses)
            assert _state(http, me) == before, what

        for what, request in [("too long", {"data": {"status": "가" * 141}}),
                              ("sensitive=maybe", {"data": {"status": "고친 글", "sensitive": "maybe"}}),
                              ("blank", {"json": {"status": ""}}),
                              ("a list body", {"json": [1, 2]})]:
            assert_json_error(http.put(f"/api/v1/statuses/{mine.id}", **request), 400, 422)
            assert _state(http, me) == before, what
        assert http.get(f"/api/v1/statuses/{mine.id}/source").json()["text"] == "고치기 전의 글"

        # The profile is written in one unit of work: a bad field anywhere undoes the good ones.
        for request in [{"display_name": "새 이름", "source[privacy]": "secret"},
                        {"display_name": "새 이름", "locked": "maybe"},
                        {"display_name": "새 이름", "source[sensitive]": "perhaps"}]:
            assert_json_error(http.patch("/api/v1/accounts/update_credentials", data=request), 422)
            assert _state(http, me) == before
        assert http.get("/api/v1/accounts/verify_credentials").json()["source"]["privacy"] == "public"
        for body in ({"home": {"last_read_id": "abc"}}, {"home": {"last_read_id": "１２３"}},
                     {"home": "abc"}, {"notifications": {"last_read_id": ["1"]}}):
            assert_json_error(http.post("/api/v1/markers", json=body), 400, 422)
        assert http.get("/api/v1/markers", params={"timeline[]": "home"}).json() == {}
        assert_json_error(http.post(f"/api/v1/accounts/{other.me().id}/mute", data={"duration": "9" * 20}), 400, 422)
        assert not api.account_relationships([other.me().id])[0].muting


def test_blocks_refuse_follows_replies_and_favourites(server: str) -> None:
    app = new_app(server)
    alice, _, _ = register(server, app)
    bob, _, _ = register(server, app)
    carol, _, _ = register(server, app)
    alice_id, bob_id, carol_id = alice.me().id, bob.me().id, carol.me().id
    post = bob.status_post("블록한 사람은 볼 수 없는 글")
    bob.account_block(alice_id)
    carol.account_update_credentials(locked=True)
    carol.account_block(alice_id)
    with httpx.Client(base_url=server, headers=auth(alice.access_token)) as http:
        before = _state(http, alice_id)
        for target in (bob_id, carol_id):
            assert_json_error(http.post(f"/api/v1/accounts/{target}/follow"), 403, 422)
            rel = http.get("/api/v1/accounts/relationships", params={"id[]": target}).json()[0]
            assert rel["following"] is False and rel["requested"] is False and rel["blocked_by"] is True
        assert_json_error(http.post("/api/v1/statuses", data={"status": "답글", "in_reply_to_id": post.id}), 404)
        assert_json_error(http.post(f"/api/v1/statuses/{post.id}/favourite"), 404)
        assert_json_error(http.post(f"/api/v1/statuses/{post.id}/reblog"), 404)
        assert _state(http, alice_id) == before
    assert carol.follow_requests() == []
    assert bob.account(bob_id).followers_count == 0 and bob.status(post.id).favourites_count == 0
    assert bob.status(post.id).reblogs_count == 0 and bob.status(post.id).replies_count == 0


def test_tokens_missing_invalid_app_only_or_short_of_scope(server: str) -> None:
    app = new_app(server)
    api, username, password = register(server, app)
    me = api.me().id
    friend, _, _ = register(server, app)
    friend_id = friend.me().id
    post = friend.status_post("좋아요를 기다리는 글")
    user_only = [
        ("GET", "/api/v1/accounts/verify_credentials"), ("GET", "/api/v1/timelines/home"),
        ("GET", "/api/v1/notifications"), ("GET", "/api/v1/preferences"), ("GET", "/api/v1/markers"),
        ("GET", "/api/v1/bookmarks"), ("GET", "/api/v1/favourites"), ("GET", "/api/v1/follow_requests"),
        ("POST", "/api/v1/statuses"), ("POST", f"/api/v1/accounts/{friend_id}/follow"),
        ("POST", f"/api/v1/statuses/{post.id}/favourite"), ("PATCH", "/api/v1/accounts/update_credentials"),
        ("POST", "/api/v1/notifications/clear"),
    ]
    body = {"status": "토큰 없이 쓴 글", "display_name": "바뀐 이름"}
    with httpx.Client(base_url=server) as http:
        watcher = httpx.Client(base_url=server, headers=auth(api.access_token))
        before = _state(watcher, me)
        app_only = app_token(server, app, "read write follow")
        for headers, statuses in [({}, (401,)), ({"Authorization": "Bearer"}, (401,)),
                                  ({"Authorization": "Bearer not-a-token"}, (401,)),
                                  ({"Authorization": "Basic dXNlcjpwYXNz"}, (401,)),
                                  # Mastodon's require_user!: an app token is valid but has no user.
                                  (auth(app_only), (422,))]:
            for method, path in user_only:
                answer = http.request(method, path, headers=headers, data=body if method != "GET" else None)
                assert "user" in assert_json_error(answer, *statuses) or statuses == (401,)
        assert_json_error(http.get("/api/v1/timelines/home", params={"access_token": "not-a-token"}), 401)
        # An invalid token is refused even where no token is needed.
        assert_json_error(http.get("/api/v1/timelines/public", headers=auth("not-a-token")), 401)
        assert _state(watcher, me) == before

        read_only = password_token(server, app, username, password, "read")
        for method, path in [("POST", "/api/v1/statuses"), ("POST", f"/api/v1/accounts/{friend_id}/follow"),
                             ("POST", f"/api/v1/statuses/{post.id}/favourite"),
                             ("PATCH", "/api/v1/accounts/update_credentials"),
                             ("POST", f"/api/v1/accounts/{friend_id}/block")]:
            assert_json_error(http.request(method, path, headers=auth(read_only), data=body), 403)
        write_only = password_token(server, app, username, password, "write")
        for path in ("/api/v1/timelines/home", "/api/v1/notifications", "/api/v1/accounts/verify_credentials"):
            assert_json_error(http.get(path, headers=auth(write_only)), 403)
        assert _state(watcher, me) == before
        assert friend.status(post.id).favourites_count == 0 and friend.account(friend_id).followers_count == 0

        revoked = password_token(server, app, username, password, "read")
        assert http.post("/oauth/revoke", data={"client_id": app[0], "client_secret": app[1],
                                               "token": revoked}).json() == {}
        assert_json_error(http.get("/api/v1/accounts/verify_credentials", headers=auth(revoked)), 401)
        watcher.close()


def test_oauth_mistakes(server: str) -> None:
    app = new_app(server)
    api, username, password = register(server, app)
    token_url = f"{server}/oauth/token"
    good = {"client_id": app[0], "client_secret": app[1]}
    answer = httpx.post(token_url, data=good | {"grant_type": "magic"})
    assert assert_json_error(answer, 400) == "unsupported_grant_type"
    assert assert_json_error(httpx.post(token_url, data=good), 400) == "unsupported_grant_type"
    for grant in ({"grant_type": "client_credentials"},
                  {"grant_type": "password", "username": username, "password": password}):
        wrong = httpx.post(token_url, data=grant | {"client_id": app[0], "client_secret": "wrong"})
        assert assert_json_error(wrong, 401) == "invalid_client"
        unknown = httpx.post(token_url, data=grant | {"client_id": "nobody", "client_secret": app[1]})
        assert assert_json_error(unknown, 401) == "invalid_client"
        no_secret = httpx.post(token_url, data=grant | {"client_id": app[0]})
        assert assert_json_error(no_secret, 401) == "invalid_client"
    assert assert_json_error(httpx.post(token_url, data=good | {"grant_type": "authorization_code",
                                                                "code": "nope", "redirect_uri": OOB}),
                             400) == "invalid_grant"
    assert_json_error(httpx.post(token_url, json=["grant_type", "password"]), 400)
    assert_json_error(httpx.post(token_url, data=good | {"grant_type": "client_credentials", "scope": "admin:all"}),
                      400)
    assert_json_error(httpx.post(f"{server}/oauth/revoke", data={"client_id": app[0], "client_secret": "wrong",
                                                                 "token": api.access_token}), 401, 403)
    assert client(server, app, api.access_token).me().username == username  # not revoked

    authorize = f"{server}/oauth/authorize"
    base = {"client_id": app[0], "redirect_uri": REDIRECT, "response_type": "code", "scope": "read"}
    for broken in ({"redirect_uri": "https://evil.example/callback"}, {"redirect_uri": ""},
                   {"client_id": "nobody"}, {"response_type": "token"}, {"scope": "read admin:everything"},
                   {"code_challenge": "abc", "code_challenge_method": "plain"}):
        page = httpx.get(authorize, params=base | broken)
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html"), page.text
        assert 'lang="ko"' in page.text and "요청을 처리할 수 없습니다" in page.text
        assert "evil.example" not in page.headers.get("location", "")
    assert "redirect_uri" in httpx.get(authorize, params=base | {"redirect_uri": "https://evil.example/"}).text

    apps = f"{server}/api/v1/apps"
    for broken in ({"client_name": "앱"}, {"client_name": "", "redirect_uris": OOB},
                   {"client_name": "앱", "redirect_uris": OOB, "scopes": "read everything"},
                   {"client_name": "앱", "redirect_uris": "not a uri"},
                   {"client_name": "앱", "redirect_uris": OOB, "website": "javascript:alert(1)"}):
        assert_json_error(httpx.post(apps, data=broken), 422)
    assert_json_error(httpx.post(apps, content=b"[1]", headers={"Content-Type": "application/json"}), 400)
