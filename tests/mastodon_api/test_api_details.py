"""The compatibility rules of mastodon-api.md §0 that Mastodon.py does not exercise by itself:
body encodings, JSON everywhere, id and time formats, image URLs, Link headers, CORS,
Idempotency-Key, instance and discovery documents, trailing slashes, rate-limit headers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.mastodon_api.clients import (
    OOB,
    REDIRECT,
    app_token,
    assert_json_error,
    auth,
    eventually,
    new_app,
    password_token,
    register,
)
from tests.support.server import running_server

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
DECIMAL = re.compile(r"^[1-9]\d*$")


def _links(response: httpx.Response) -> dict[str, dict[str, str]]:
    """rel → the link's query parameters; absolute URLs only."""
    found = {}
    for rel, url in ((link["rel"], link["url"]) for link in response.links.values()):
        assert url.startswith("http://") or url.startswith("https://"), url
        found[rel] = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    return found


def test_every_body_encoding_array_and_boolean_form(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    friend, _, _ = register(server, app)
    other, _, _ = register(server, app)
    with httpx.Client(base_url=server, headers=auth(api.access_token)) as http:
        sent = [
            http.post("/api/v1/statuses", data={"status": "폼으로 쓴 글"}),
            http.post("/api/v1/statuses", files={"status": (None, "멀티파트로 쓴 글")}),
            http.post("/api/v1/statuses", json={"status": "JSON으로 쓴 글"}),
            http.post("/api/v1/statuses", params={"status": "쿼리로 쓴 글"}),  # Ice Cubes, Mammoth
            http.post("/api/v1/statuses", params={"status": "쿼리"}, data={"status": "본문이 이긴다"}),
        ]
        assert [r.status_code for r in sent] == [200] * 5, [r.text for r in sent]
        assert [r.json()["content"] for r in sent] == [
            "<p>폼으로 쓴 글</p>", "<p>멀티파트로 쓴 글</p>", "<p>JSON으로 쓴 글</p>", "<p>쿼리로 쓴 글</p>",
            "<p>본문이 이긴다</p>"]

        flags = []
        for encoding in ("data", "files", "json", "params"):
            for value in ("true", "false", "1", "0", True, False):
                if encoding != "json" and isinstance(value, bool):
                    continue  # JSON carries real booleans, and strings too (as some clients send)
                fields = {"status": "민감한 글일까", "sensitive": value}
                if encoding == "files":
                    fields = {k: (None, str(v)) for k, v in fields.items()}  # type: ignore[misc]
                answer = http.post("/api/v1/statuses", **{encoding: fields})
                assert answer.status_code == 200, (encoding, value, answer.text)
                flags.append((encoding, value, answer.json()["sensitive"]))
        assert all(sensitive is (value in ("true", "1", True)) for _, value, sensitive in flags), flags

        # Arrays: Rails' key[], masto.js' key[0] in multipart, JSON lists.
        for request in ({"data": {"client_name": "배열 앱", "redirect_uris[]": [OOB, REDIRECT]}},
                        {"files": [("client_name", (None, "배열 앱")), ("redirect_uris[0]", (None, OOB)),
                                   ("redirect_uris[1]", (None, REDIRECT))]},
                        {"json": {"client_name": "배열 앱", "redirect_uris": [OOB, REDIRECT]}},
                        {"data": {"client_name": "배열 앱", "redirect_uris": f"{OOB}\n{REDIRECT}"}}):
            created = httpx.post(f"{server}/api/v1/apps", **request)
            assert created.status_code == 200, created.text
            assert created.json()["redirect_uris"] == [OOB, REDIRECT]
            assert created.json()["redirect_uri"] == f"{OOB}\n{REDIRECT}"
        ids = [friend.me().id, other.me().id]
        for query in ([("id[]", ids[1]), ("id[]", ids[0])], [("id[0]", ids[1]), ("id[1]", ids[0])],
                      [("id", ids[1])]):
            rels = http.get("/api/v1/accounts/relationships", params=query).json()
            assert [r["id"] for r in rels] == [v for _, v in query]
        for request in ({"files": [("fields_attributes[0][name]", (None, "홈페이지")),
                                   ("fields_attributes[0][value]", (None, "https://anyang.go.kr")),
                                   ("fields_attributes[1][name]", (None, "동네")),
                                   ("fields_attributes[1][value]", (None, "평촌")), ("locked", (None, "1"))]},
                        {"json": {"fields_attributes": [{"name": "홈페이지", "value": "https://anyang.go.kr"},
                                                        {"name": "동네", "value": "평촌"}], "locked": True}},
                        # Rails' nested arrays: a repeated key starts the next element.
                        {"content": "fields_attributes[][name]=%ED%99%88%ED%8E%98%EC%9D%B4%EC%A7%80"
                                    "&fields_attributes[][value]=https%3A%2F%2Fanyang.go.kr"
                                    "&fields_attributes[][name]=%EB%8F%99%EB%84%A4"
                                    "&fields_attributes[][value]=%ED%8F%89%EC%B4%8C&locked=true",
                         "headers": {"Content-Type": "application/x-www-form-urlencoded"}}):
            me = http.patch("/api/v1/accounts/update_credentials", **request)
            assert me.status_code == 200, me.text
            assert [f["name"] for f in me.json()["fields"]] == ["홈페이지", "동네"] and me.json()["locked"] is True
            assert http.patch("/api/v1/accounts/update_credentials", data={"locked": "0"}).json()["locked"] is False
        last = sent[0].json()["id"]
        markers = http.post("/api/v1/markers", data={"home[last_read_id]": last})
        assert markers.status_code == 200 and markers.json()["home"]["last_read_id"] == last


def test_json_everywhere_ids_times_and_images(server: str) -> None:
    app = new_app(server)
    api, username, password = register(server, app)
    fan, fan_name, _ = register(server, app)
    me = api.me().id
    with httpx.Client(base_url=server, headers=auth(api.access_token)) as http:
        post = http.post("/api/v1/statuses", data={"status": f"@{fan_name} 안녕하세요 #마당"}).json()
        fan.status_favourite(post["id"])
        boost = fan.status_reblog(post["id"])
        assert boost.id != post["id"] and int(boost.id) > int(post["id"]) and boost.reblog.id == post["id"]
        edited = http.put(f"/api/v1/statuses/{post['id']}", data={"status": f"@{fan_name} 고친 글 #마당"}).json()
        # The favourite and the boost notify the author (by a background job), the post the fan.
        api_notes = eventually(lambda: (lambda n: n if len(n) >= 2 else None)(
            http.get("/api/v1/notifications").json()))
        fan_notes = eventually(lambda: httpx.get(f"{server}/api/v1/notifications",
                                                 headers=auth(fan.access_token)).json())

        # Empty answers and errors are JSON too.
        for answer in (http.post("/api/v1/notifications/clear"),
                       httpx.post(f"{server}/oauth/revoke", data={"client_id": app[0], "client_secret": app[1],
                                                                 "token": "unknown"})):
            assert answer.status_code == 200 and answer.json() == {}
            assert answer.headers["content-type"].startswith("application/json")
        assert_json_error(http.get("/api/v1/statuses/1"), 404)
        assert_json_error(httpx.get(f"{server}/.well-known/webfinger", params={"resource": "acct:nobody@x"}), 404)

        # Ids are decimal strings; times are ms-precision UTC with Z; images never null.
        account = http.get("/api/v1/accounts/verify_credentials").json()
        statuses = [post, edited, http.get(f"/api/v1/statuses/{boost.id}").json()]
        accounts = [account, *(s["account"] for s in statuses), *(n["account"] for n in api_notes + fan_notes)]
        for status in statuses:
            assert DECIMAL.match(status["id"]) and TIMESTAMP.match(status["created_at"])
            for mention in status["mentions"]:
                assert DECIMAL.match(mention["id"]) and mention["acct"] == fan_name == mention["username"]
        assert statuses[2]["reblog"]["id"] == post["id"] and statuses[2]["id"] == boost.id
        assert TIMESTAMP.match(edited["edited_at"]) and edited["edited_at"] >= edited["created_at"]
        for entry in http.get(f"/api/v1/statuses/{post['id']}/history").json():
            assert TIMESTAMP.match(entry["created_at"])
        for note in api_notes + fan_notes:
            assert DECIMAL.match(note["id"]) and TIMESTAMP.match(note["created_at"])
            assert note["status"] is None or DECIMAL.match(note["status"]["id"])
        for acc in accounts:
            assert DECIMAL.match(acc["id"])
            assert TIMESTAMP.match(acc["created_at"]) and acc["created_at"].endswith("T00:00:00.000Z")
            assert acc["last_status_at"] is None or DAY.match(acc["last_status_at"])
            for key in ("avatar", "avatar_static", "header", "header_static"):
                assert isinstance(acc[key], str) and acc[key].startswith("http"), (key, acc[key])
            assert all(isinstance(acc[k], int) for k in ("statuses_count", "followers_count", "following_count"))
        assert DAY.match(account["last_status_at"])
        assert account["header"].endswith("/headers/original/missing.png")
        rel = http.get("/api/v1/accounts/relationships", params={"id[]": fan.me().id}).json()[0]
        assert DECIMAL.match(rel["id"])
        marker = http.post("/api/v1/markers", json={"home": {"last_read_id": post["id"]}}).json()["home"]
        assert TIMESTAMP.match(marker["updated_at"]) and isinstance(marker["version"], int)

        token = httpx.post(f"{server}/oauth/token", data={"grant_type": "password", "client_id": app[0],
                                                          "client_secret": app[1], "username": username,
                                                          "password": password, "scope": "read"}).json()
        assert type(token["created_at"]) is int and token["token_type"] == "Bearer"
        signup = httpx.post(f"{server}/api/v1/accounts", headers=auth(app_token(server, app, "write:accounts")),
                            json={"username": "newcomer", "email": "newcomer@example.org",
                                  "password": "비밀번호-1234", "agreement": True, "locale": "ko"})
        assert signup.status_code == 200 and type(signup.json()["created_at"]) is int
        assert int(me) < int(post["id"]) < int(boost.id)  # one time-sortable space for all rows


def test_link_headers_and_exclusive_cursors(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    reader, _, _ = register(server, app)
    me = api.me().id
    with httpx.Client(base_url=server, headers=auth(api.access_token)) as http:
        ids = [http.post("/api/v1/statuses", data={"status": f"{i}번 글"}).json()["id"] for i in range(5)]
        newest_first = ids[::-1]
        for i in newest_first:
            reader.status_favourite(i)
        for path in (f"/api/v1/accounts/{me}/statuses", "/api/v1/timelines/public"):
            full = http.get(path, params={"limit": 5})
            assert [s["id"] for s in full.json()] == newest_first
            links = _links(full)
            assert links["next"]["max_id"] == newest_first[-1] and links["prev"]["min_id"] == newest_first[0]
            assert links["next"]["limit"] == "5"
            short = http.get(path, params={"limit": 6})
            assert "next" not in _links(short) and "prev" in _links(short)  # no `next` past the end
            empty = http.get(path, params={"max_id": newest_first[-1]})
            assert empty.json() == [] and "link" not in empty.headers  # no Link on an empty page
            # min_id: the page just above the cursor, exclusive, still newest first.
            assert [s["id"] for s in http.get(path, params={"min_id": ids[0], "limit": 2}).json()] == [ids[2], ids[1]]
            assert [s["id"] for s in http.get(path, params={"since_id": ids[0], "limit": 2}).json()] == [ids[4], ids[3]]
            assert [s["id"] for s in http.get(path, params={"max_id": ids[3]}).json()] == [ids[2], ids[1], ids[0]]
            assert http.get(path, params={"min_id": ids[4]}).json() == []
    with httpx.Client(base_url=server, headers=auth(reader.access_token)) as http:
        # Favourites page by the favourite's own row id: the Link header is the only cursor.
        first = http.get("/api/v1/favourites", params={"limit": 3})
        assert [s["id"] for s in first.json()] == ids[:3]  # the latest favourite first
        second = http.get("/api/v1/favourites", params=_links(first)["next"])
        assert [s["id"] for s in second.json()] == ids[3:]
        assert "next" not in _links(second)


def test_cors_idempotency_and_rate_limit_headers(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    me = api.me().id
    origin = {"Origin": "https://phanpy.social"}
    preflight = httpx.options(f"{server}/api/v1/statuses", headers=origin | {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    assert "POST" in preflight.headers["access-control-allow-methods"]
    for path in ("/oauth/token", "/.well-known/oauth-authorization-server"):
        answer = httpx.options(f"{server}{path}", headers=origin | {"Access-Control-Request-Method": "POST"})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"

    with httpx.Client(base_url=server, headers=auth(api.access_token) | origin) as http:
        key = {"Idempotency-Key": "phanpy-compose-1"}
        first = http.post("/api/v1/statuses", data={"status": "한 번만 올라가야 하는 글"}, headers=key)
        again = http.post("/api/v1/statuses", json={"status": "한 번만 올라가야 하는 글"}, headers=key)
        other = http.post("/api/v1/statuses", data={"status": "다른 키"}, headers={"Idempotency-Key": "2"})
        assert first.status_code == again.status_code == 200
        assert again.json()["id"] == first.json()["id"] != other.json()["id"]
        assert http.get(f"/api/v1/accounts/{me}").json()["statuses_count"] == 2

        page = http.get(f"/api/v1/accounts/{me}/statuses", params={"limit": 1})
        assert page.headers["access-control-allow-origin"] == "*"
        exposed = {h.strip().lower() for h in page.headers["access-control-expose-headers"].split(",")}
        assert {"link", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= exposed
        assert "link" in page.headers
        remaining = []
        for _ in range(2):
            answer = http.get("/api/v1/timelines/home")
            assert int(answer.headers["x-ratelimit-limit"]) > 0
            assert TIMESTAMP.match(answer.headers["x-ratelimit-reset"])
            remaining.append(int(answer.headers["x-ratelimit-remaining"]))
        assert remaining[1] == remaining[0] - 1


def test_instance_discovery_and_trailing_slashes(server: str) -> None:
    app = new_app(server)
    api, username, password = register(server, app)
    host = urlsplit(server).netloc
    v1 = httpx.get(f"{server}/api/v1/instance").json()
    assert v1["configuration"]["statuses"]["max_characters"] == 140 == v1["max_toot_chars"]
    assert v1["configuration"]["statuses"]["characters_reserved_per_url"] == 23
    assert v1["urls"]["streaming_api"] == f"ws://{host}" and v1["uri"] == host
    assert all(type(v1["stats"][k]) is int for k in ("user_count", "status_count", "domain_count"))
    assert isinstance(v1["email"], str) and isinstance(v1["registrations"], bool)
    assert v1["thumbnail"].startswith("http") and v1["version"].startswith("4.")
    polls = v1["configuration"]["polls"]
    assert all(type(polls[k]) is int for k in ("max_options", "max_characters_per_option", "min_expiration",
                                                "max_expiration"))
    v2 = httpx.get(f"{server}/api/v2/instance").json()
    config = v2["configuration"]
    assert config["statuses"]["max_characters"] == 140 and config["statuses"]["characters_reserved_per_url"] == 23
    assert config["urls"]["streaming"] == f"ws://{host}" and config["accounts"]["max_featured_tags"] >= 0
    assert v2["api_versions"]["mastodon"] == 2 and v2["domain"] == host and "ko" in v2["languages"]
    assert v2["thumbnail"]["url"].startswith("http") and "media_attachments" in config and "polls" in config

    links = httpx.get(f"{server}/.well-known/nodeinfo").json()["links"]
    nodeinfo = httpx.get(links[0]["href"]).json()
    assert nodeinfo["metadata"]["upstream"]["name"] == "mastodon" and nodeinfo["software"]["name"] == "madang"

    finger = httpx.get(f"{server}/.well-known/webfinger", params={"resource": f"acct:{username}@{host}"})
    assert finger.status_code == 200 and finger.json()["subject"] == f"acct:{username}@{host}"
    assert any(link["rel"] == "self" for link in finger.json()["links"])
    assert_json_error(httpx.get(f"{server}/.well-known/webfinger", params={"resource": f"acct:nobody@{host}"}), 404)
    assert_json_error(httpx.get(f"{server}/.well-known/webfinger",
                                params={"resource": f"acct:{username}@elsewhere.example"}), 404)

    oauth = httpx.get(f"{server}/.well-known/oauth-authorization-server").json()
    assert "S256" in oauth["code_challenge_methods_supported"] and "password" in oauth["grant_types_supported"]
    assert oauth["token_endpoint"] == f"{server}/oauth/token"

    headers = auth(api.access_token)
    for path in ("/api/v1/instance/", "/api/v2/instance/", "/api/v1/accounts/verify_credentials/",
                 "/api/v1/timelines/home/", "/.well-known/nodeinfo/"):
        answer = httpx.get(f"{server}{path}", headers=headers)
        assert answer.status_code == 200, (path, answer.status_code)
    posted = httpx.post(f"{server}/api/v1/statuses/", headers=headers, data={"status": "슬래시로 끝나는 주소"})
    assert posted.status_code == 200 and posted.json()["content"] == "<p>슬래시로 끝나는 주소</p>"
    assert httpx.post(f"{server}/api/v1/statuses/{posted.json()['id']}/favourite/",
                      headers=headers).json()["favourited"] is True

    # An app token (client_credentials) can ask which app it belongs to.
    for token in (app_token(server, app), password_token(server, app, username, password, "read")):
        verified = httpx.get(f"{server}/api/v1/apps/verify_credentials", headers=auth(token))
        assert verified.status_code == 200 and verified.json()["name"] == "마당 테스트"
        assert "client_secret" not in verified.json()


def test_follows_mentions_and_open_timelines(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    bob, bob_name, _ = register(server, app)
    bob_id = bob.me().id
    with httpx.Client(base_url=server, headers=auth(api.access_token)) as http:
        rel = http.post(f"/api/v1/accounts/{bob_id}/follow").json()
        assert rel["following"] is True and rel["requested"] is False and rel["id"] == bob_id
        for text in (f"@{bob_name} 안녕", f"안녕 @{bob_name.upper()}님"):
            mentions = http.post("/api/v1/statuses", data={"status": f"{text} #안양"}).json()["mentions"]
            assert [(m["acct"], m["username"], m["id"]) for m in mentions] == [(bob_name, bob_name, bob_id)]
    for path in ("/api/v1/timelines/public", "/api/v1/timelines/tag/안양", "/api/v1/timelines/public?local=true"):
        answer = httpx.get(f"{server}{path}")
        assert answer.status_code == 200 and len(answer.json()) == 2, (path, answer.text[:200])
        assert "favourited" not in answer.json()[0]  # no viewer, no viewer flags


def test_closed_public_timelines_need_a_token(database_url: str) -> None:
    with running_server(database_url, public_timelines_open=False) as server:
        app = new_app(server)
        api, _, _ = register(server, app)
        api.status_post("로그인한 사람만 보는 #안양 소식")
        for path in ("/api/v1/timelines/public", "/api/v1/timelines/tag/안양"):
            assert_json_error(httpx.get(f"{server}{path}"), 401)
            answer = httpx.get(f"{server}{path}", headers=auth(api.access_token))
            assert answer.status_code == 200 and len(answer.json()) == 1
        access = httpx.get(f"{server}/api/v2/instance").json()["configuration"]["timelines_access"]
        assert access["live_feeds"]["local"] == "authenticated"


def test_default_avatar_header_and_thumbnail_urls_load_as_images(server: str) -> None:
    """The never-null image URLs must also load: apps show them."""
    app = new_app(server)
    api, _, _ = register(server, app)
    me = api.account_verify_credentials()
    instance = httpx.get(f"{server}/api/v2/instance").json()
    for url in (me.avatar, me.header, instance["thumbnail"]["url"]):
        answer = httpx.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"] == "image/png"
        assert answer.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_serialised_statuses_and_accounts_follow_every_change(server: str) -> None:
    """Statuses and accounts are rendered from per-version caches: an edit, a profile change
    or a new follower must show at once, never an older rendering."""
    app = new_app(server)
    api, _, _ = register(server, app)
    fan, _, _ = register(server, app)
    post = api.status_post("첫 글입니다")
    assert api.status(post.id).account.display_name == ""
    api.account_update_credentials(display_name="안양 시민")
    fan.account_follow(api.me().id)
    seen = fan.status(post.id)
    assert seen.account.display_name == "안양 시민" and seen.account.followers_count == 1
    api.status_update(post.id, "고친 글입니다 #안양")
    seen = fan.status(post.id)
    assert seen.content == "<p>고친 글입니다 <a href=\"" + f"{server}/tags/%EC%95%88%EC%96%91" + \
        "\" class=\"mention hashtag\" rel=\"tag\">#<span>안양</span></a></p>"
    assert [t.name for t in seen.tags] == ["안양"] and seen.edited_at is not None
    fan.status_favourite(post.id)
    assert api.status(post.id).favourites_count == 1


def test_instance_stats_follow_sign_ups_posts_and_deletions(server: str) -> None:
    """user_count and status_count (v1, and NodeInfo's) move with what citizens do; they are
    read from the accounts' own counters, as Mastodon sums them."""
    def stats() -> tuple[int, int, int]:
        v1 = httpx.get(f"{server}/api/v1/instance").json()["stats"]
        node = httpx.get(f"{server}/nodeinfo/2.0").json()["usage"]
        assert node["localPosts"] == v1["status_count"] and node["users"]["total"] == v1["user_count"]
        return v1["user_count"], v1["status_count"], v1["domain_count"]

    users, posts, _ = stats()
    app = new_app(server)
    citizen, _, _ = register(server, app)
    first = citizen.status_post("첫 글입니다")
    citizen.status_post("두 번째 글")
    citizen.status_post("비밀 편지 @nobody", visibility="direct")  # a DM counts on no profile, nor here
    assert stats() == (users + 1, posts + 2, 0)
    citizen.status_delete(first.id)
    assert stats() == (users + 1, posts + 1, 0)
