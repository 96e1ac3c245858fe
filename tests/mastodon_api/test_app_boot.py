"""The login and boot call sequences of Ivory, Elk, Phanpy, Tusky and megalodon, replayed in
order against a real madang (../shared/reference/mastodon-api.md section 5): each app registers
itself with its own redirect URI and scopes, sends a person through the consent page, trades the
code for a token in its own body encoding, then makes the calls it makes when it opens.

Every call must answer 2xx with JSON of the right shape: the key fields each app decodes are
checked by hand, and the body is validated against Mastodon's OpenAPI description
(tests/data/mastodon-openapi) wherever that describes the answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jsonschema_rs
import pytest
from mastodon import Mastodon
from websockets.sync.client import connect

from tests.mastodon_api.clients import (
    OOB, approve_in_browser, assert_json_error, auth, eventually, new_app, pkce_pair, register,
)
from tests.push.receiver import ClientKeys
from tests.support.server import running_server

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "mastodon-openapi" / "schema.json"
DIGITS = re.compile(r"^\d+$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@cache
def _openapi() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def openapi_check(method: str, template: str, status: int, body: Any) -> bool:
    """Validate ``body`` against the documented answer of ``METHOD template``; False when the
    description has none to check against."""
    doc = _openapi()
    responses = doc["paths"].get(template, {}).get(method.lower(), {}).get("responses", {})
    response = responses.get(str(status)) or responses.get("200") or {}
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return False
    if method == "GET" and template == "/api/v1/filters":
        schema = {"type": "array", "items": schema}  # documented as one, Mastodon answers a list
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": doc["components"], **schema}
    errors = [f"{e.instance_path}: {e.message}" for e in jsonschema_rs.validator_for(root).iter_errors(body)]
    assert not errors, f"{method} {template} does not match Mastodon's schema:\n" + "\n".join(errors[:10])
    return True


_OPEN: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


@dataclass
class App:
    """One app on one phone or browser: its HTTP client, its token once it has one, and a log of
    what it called."""

    base: str
    name: str
    token: str | None = None
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base, timeout=20, headers={"User-Agent": f"{self.name} (test)"})
        _OPEN.append(self.http)

    def call(self, method: str, template: str, *, path: dict[str, str] | None = None, query: Any = None,
             form: dict[str, Any] | None = None, body: Any = None, auth: bool = True,
             expect_json: bool = True) -> Any:
        url = template.format(**(path or {}))
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        answer = self.http.request(method, url, params=query, data=form, json=body, headers=headers)
        self.calls.append(f"{method} {answer.request.url.raw_path.decode()} -> {answer.status_code}")
        assert 200 <= answer.status_code < 300, (
            f"{self.name}: {method} {answer.request.url} answered {answer.status_code}: {answer.text[:400]}")
        if not expect_json:
            return answer
        assert answer.headers["content-type"].startswith("application/json"), (method, url, answer.headers)
        data = answer.json()
        if openapi_check(method, template, answer.status_code, data):
            self.calls[-1] += " (schema checked)"
        return data

    def get(self, template: str, **kwargs: Any) -> Any:
        return self.call("GET", template, **kwargs)


# Shapes the apps decode (reference section 3); the OpenAPI check covers the rest.

def assert_account(a: dict[str, Any]) -> None:
    assert DIGITS.match(a["id"]), a["id"]
    assert a["acct"] == a["username"]
    for key in ("avatar", "avatar_static", "header", "header_static", "url"):
        assert a[key].startswith("http"), (key, a[key])
    assert TIMESTAMP.match(a["created_at"]), a["created_at"]
    for key in ("followers_count", "following_count", "statuses_count"):
        assert isinstance(a[key], int)
    assert isinstance(a["emojis"], list) and isinstance(a["fields"], list)


def assert_statuses(rows: list[dict[str, Any]], *, least: int = 0) -> None:
    assert isinstance(rows, list) and len(rows) >= least, rows
    for s in rows:
        assert DIGITS.match(s["id"]) and TIMESTAMP.match(s["created_at"])
        assert s["visibility"] in ("public", "unlisted", "private", "direct")
        assert isinstance(s["content"], str) and isinstance(s["media_attachments"], list)
        assert_account(s["account"])


def assert_notifications(rows: list[dict[str, Any]], *, least: int = 0) -> None:
    assert isinstance(rows, list) and len(rows) >= least, rows
    for n in rows:
        assert DIGITS.match(n["id"]) and isinstance(n["type"], str) and TIMESTAMP.match(n["created_at"])
        assert_account(n["account"])


def assert_instance_v2(i: dict[str, Any]) -> None:
    assert i["domain"] and re.match(r"^\d+\.\d+\.\d+", i["version"])
    c = i["configuration"]
    assert c["urls"]["streaming"].startswith(("ws://", "wss://"))
    assert c["statuses"]["max_characters"] == 140 and c["statuses"]["max_media_attachments"] == 4
    assert c["polls"]["max_characters_per_option"] > 0 and c["media_attachments"]["supported_mime_types"]
    assert isinstance(c["accounts"]["max_featured_tags"], int)
    assert c["vapid"]["public_key"]
    assert i["api_versions"]["mastodon"] >= 1 and "ko" in i["languages"]


def assert_instance_v1(i: dict[str, Any]) -> None:
    assert i["uri"] and isinstance(i["email"], str) and re.match(r"^\d+\.\d+\.\d+", i["version"])
    assert i["urls"]["streaming_api"].startswith(("ws://", "wss://"))
    assert all(isinstance(i["stats"][k], int) for k in ("user_count", "status_count", "domain_count"))
    assert i["configuration"]["statuses"]["max_characters"] == 140
    assert isinstance(i["registrations"], bool)


def assert_preferences(p: dict[str, Any]) -> None:
    assert p["posting:default:visibility"] in ("public", "unlisted", "private", "direct")
    assert p["posting:default:language"] == "ko"
    assert isinstance(p["posting:default:sensitive"], bool) and isinstance(p["reading:expand:spoilers"], bool)


def assert_token(t: dict[str, Any], scope: str) -> str:
    assert t["token_type"] == "Bearer" and isinstance(t["created_at"], int)
    assert set(t["scope"].split()) == set(scope.split())
    return str(t["access_token"])


# The world an app opens into: a citizen with a post, and a neighbour who follows and mentions them.

@dataclass
class Town:
    base: str
    username: str
    password: str
    me: Any
    neighbour: Mastodon
    mention_id: str
    friend_name: str


@pytest.fixture
def town(database_url: str) -> Iterator[Town]:
    with running_server(database_url) as base:
        app = new_app(base)
        api, username, password = register(base, app)
        neighbour, _, _ = register(base, app)
        me = api.account_verify_credentials()
        api.status_post("안양천 벚꽃이 피었어요")
        neighbour.account_follow(me.id)
        api.account_follow(neighbour.account_verify_credentials().id)
        # Someone the citizen follows who also follows the neighbour: a familiar follower.
        friend, friend_name, _ = register(base, app)
        api.account_follow(friend.me().id)
        friend.account_follow(neighbour.me().id)
        mention = neighbour.status_post(f"@{username} 내일 시청 앞에서 봐요")
        eventually(lambda: api.notifications(types=["mention"]))
        yield Town(base, username, password, me, neighbour, str(mention.id), friend_name)


def _authorize(t: Town, client_id: str, redirect_uri: str, scope: str, **extra: str) -> str:
    query = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope, **extra}
    return approve_in_browser(f"{t.base}/oauth/authorize?{urlencode(query)}", t.username, t.password)


def _register_app(app: App, *, redirect_uri: str, scope: str, website: str | None, as_json: bool) -> dict[str, Any]:
    fields = {"client_name": app.name, "redirect_uris": redirect_uri, "scopes": scope}
    if website:
        fields["website"] = website
    registered = app.call("POST", "/api/v1/apps", **({"body": fields} if as_json else {"form": fields}))
    assert registered["name"] == app.name and registered["client_id"] and registered["client_secret"]
    assert redirect_uri in (registered.get("redirect_uris") or [registered["redirect_uri"]])
    return registered


def _stream_update(t: Town, url: str, *, subprotocol: str | None = None, subscribe: str | None = None,
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Open the WebSocket as the app does and see the neighbour's next post arrive."""
    with connect(url, subprotocols=[subprotocol] if subprotocol else None, additional_headers=headers,
                 open_timeout=10) as ws:
        if subprotocol:
            assert ws.response.headers["sec-websocket-protocol"] == subprotocol
        if subscribe:
            ws.send(json.dumps({"type": "subscribe", "stream": subscribe}))
        # The subscription is live once a probe comes back; then the real post must follow.
        for attempt in range(40):
            probe = t.neighbour.status_post(f"연결 확인 {attempt}")
            try:
                while True:
                    event = json.loads(ws.recv(timeout=0.5))
                    if event["event"] == "update" and json.loads(event["payload"])["id"] == str(probe.id):
                        return event
            except TimeoutError:
                continue
    raise AssertionError(f"no update arrived on {url}")


def _boot_home(app: App, t: Town, limit: int) -> list[dict[str, Any]]:
    home = app.get("/api/v1/timelines/home", query={"limit": limit})
    assert_statuses(home, least=2)
    assert any("벚꽃" in s["content"] for s in home)
    return home


def test_ivory_boot(town: Town) -> None:
    t, app = town, App(town.base, "Ivory for iOS")
    scope, redirect = "read write follow push", "com.tapbots.Ivory.19300:/request_token"
    registered = _register_app(app, redirect_uri=redirect, scope=scope, website="https://tapbots.com/ivory/",
                               as_json=False)
    code = _authorize(t, registered["client_id"], redirect, scope)
    app.token = assert_token(app.call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "code": code, "client_id": registered["client_id"],
        "client_secret": registered["client_secret"], "redirect_uri": redirect, "scope": scope}), scope)
    me = app.get("/api/v1/accounts/verify_credentials")
    assert_account(me)
    assert me["id"] == str(t.me.id) and me["source"]["language"] == "ko"

    # The sequence of jointakahe/takahe#473.
    home = _boot_home(app, t, 40)
    assert_account(app.get("/api/v1/accounts/{id}", path={"id": me["id"]}))
    assert_instance_v2(app.get("/api/v2/instance"))
    assert_preferences(app.get("/api/v1/preferences"))
    assert_statuses(app.get("/api/v1/timelines/home", query={"limit": 40, "min_id": home[-1]["id"]}))
    assert isinstance(app.get("/api/v1/lists"), list)
    own = app.get("/api/v1/accounts/{id}/statuses", path={"id": me["id"]},
                  query={"exclude_reblogs": 1, "limit": 40})
    assert_statuses(own, least=1)
    assert all(s["account"]["id"] == me["id"] for s in own)
    types = ["mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update"]
    everything = app.get("/api/v1/notifications", query={"limit": 100, "since_id": "1", "types[]": types})
    assert_notifications(everything, least=2)
    assert {"follow", "mention"} <= {n["type"] for n in everything}
    mentions = app.get("/api/v1/notifications", query={"limit": 30, "types[]": ["mention"]})
    assert_notifications(mentions, least=1)
    assert {n["type"] for n in mentions} == {"mention"} and mentions[0]["status"]["id"] == t.mention_id
    # What else Ivory asks for as it settles: markers to resume, filters, emoji, announcements.
    markers = app.get("/api/v1/markers", query={"timeline[]": ["home", "notifications"]})
    assert isinstance(markers, dict)
    saved = app.call("POST", "/api/v1/markers", form={"home[last_read_id]": home[0]["id"]})
    assert saved["home"]["last_read_id"] == home[0]["id"] and isinstance(saved["home"]["version"], int)
    assert isinstance(app.get("/api/v2/filters"), list)
    assert isinstance(app.get("/api/v1/filters"), list)
    assert isinstance(app.get("/api/v1/custom_emojis"), list)
    assert isinstance(app.get("/api/v1/announcements"), list)
    assert isinstance(app.get("/api/v1/followed_tags"), list)
    assert isinstance(app.get("/api/v1/notifications/unread_count")["count"], int)
    relationships = app.get("/api/v1/accounts/relationships", query={"id[]": [str(t.neighbour.me().id)]})
    assert relationships[0]["following"] is True and relationships[0]["followed_by"] is True


def test_elk_boot(town: Town) -> None:
    t, app = town, App(town.base, "Elk")
    scope = "read write follow push"
    host = urlsplit(t.base).netloc
    redirect = f"https://elk.zone/api/{host}/oauth/https%3A%2F%2Felk.zone"
    # Elk's server registers the app (JSON) and reads the instance at the same time.
    registered = _register_app(app, redirect_uri=redirect, scope=scope, website="https://elk.zone", as_json=True)
    assert_instance_v2(app.get("/api/v2/instance"))
    code = _authorize(t, registered["client_id"], redirect, scope, force_login="true", lang="ko")
    app.token = assert_token(app.call("POST", "/oauth/token", body={
        "client_id": registered["client_id"], "client_secret": registered["client_secret"],
        "redirect_uri": redirect, "grant_type": "authorization_code", "code": code, "scope": scope}), scope)
    instance = app.get("/api/v2/instance")
    assert_instance_v2(instance)
    me = app.get("/api/v1/accounts/verify_credentials")
    assert_account(me)
    assert me["id"] == str(t.me.id)
    # masto.js opens the socket with the token as the subprotocol, then subscribes by frame.
    streaming = instance["configuration"]["urls"]["streaming"]
    event = _stream_update(t, f"{streaming}/api/v1/streaming", subprotocol=app.token, subscribe="user")
    assert event["stream"] == ["user"]
    # The rest of Elk's first screen.
    assert isinstance(app.get("/api/v1/custom_emojis"), list)
    _boot_home(app, t, 20)
    assert_notifications(app.get("/api/v1/notifications", query={"limit": 20}), least=2)
    assert isinstance(app.get("/api/v2/filters"), list)
    assert isinstance(app.get("/api/v1/lists"), list)
    assert isinstance(app.get("/api/v1/followed_tags"), list)
    assert isinstance(app.get("/api/v1/markers", query={"timeline[]": ["notifications"]}), dict)
    keys = ClientKeys()
    pushed = app.call("POST", "/api/v1/push/subscription", body={
        "subscription": {"endpoint": "https://push.example/elk/1", "keys": {"p256dh": keys.p256dh,
                                                                          "auth": keys.auth_b64}},
        "data": {"alerts": {"mention": True, "follow": True, "favourite": True}, "policy": "all"}})
    assert pushed["endpoint"] == "https://push.example/elk/1" and pushed["alerts"]["mention"] is True
    assert pushed["server_key"] == instance["configuration"]["vapid"]["public_key"]
    assert app.get("/api/v1/push/subscription")["id"] == pushed["id"]
    neighbour = app.get("/api/v1/accounts/lookup", query={"acct": t.neighbour.me().acct})
    assert_account(neighbour)
    familiar = app.get("/api/v1/accounts/familiar_followers", query={"id[]": [neighbour["id"]]})
    assert familiar[0]["id"] == neighbour["id"]
    assert [a["username"] for a in familiar[0]["accounts"]] == [t.friend_name]
    assert_account(familiar[0]["accounts"][0])


def test_phanpy_boot(town: Town) -> None:
    t, app = town, App(town.base, "Phanpy")
    scope, redirect = "read write follow push", "https://phanpy.social/"
    registered = _register_app(app, redirect_uri=redirect, scope=scope, website="https://phanpy.social",
                               as_json=False)
    metadata = app.get("/.well-known/oauth-authorization-server")
    assert "S256" in metadata["code_challenge_methods_supported"]
    assert metadata["authorization_endpoint"].endswith("/oauth/authorize")
    verifier, challenge = pkce_pair()
    code = _authorize(t, registered["client_id"], redirect, scope, code_challenge=challenge,
                      code_challenge_method="S256")
    app.token = assert_token(app.call("POST", "/oauth/token", form={
        "client_id": registered["client_id"], "client_secret": registered["client_secret"],
        "redirect_uri": redirect, "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier}), scope)
    instance = app.get("/api/v2/instance")
    assert_instance_v2(instance)
    assert instance["api_versions"]["mastodon"] < 2 or app.get("/api/v2/notifications") is not None
    links = app.get("/.well-known/nodeinfo")
    nodeinfo = next(link["href"] for link in links["links"] if "nodeinfo.diaspora.software/ns/schema/2" in link["rel"])
    info = app.get(urlsplit(nodeinfo).path)
    assert info["software"]["name"] and isinstance(info["metadata"], dict)
    me = app.get("/api/v1/accounts/verify_credentials")
    assert_account(me)
    assert_preferences(app.get("/api/v1/preferences"))
    event = _stream_update(t, f"{instance['configuration']['urls']['streaming']}/api/v1/streaming",
                           subprotocol=app.token, subscribe="user")
    assert json.loads(event["payload"])["account"]["id"] == str(t.neighbour.me().id)
    # Phanpy's home and notifications screens.
    home = _boot_home(app, t, 20)
    relationships = app.get("/api/v1/accounts/relationships",
                            query={"id[]": sorted({s["account"]["id"] for s in home} - {me["id"]})})
    assert all(DIGITS.match(r["id"]) and isinstance(r["following"], bool) for r in relationships)
    assert_notifications(app.get("/api/v1/notifications", query={"limit": 40}), least=2)
    policy = app.get("/api/v2/notifications/policy")
    assert policy["for_not_following"] in ("accept", "filter", "drop")
    if policy["summary"]["pending_requests_count"] == 0:
        assert app.get("/api/v1/notifications/requests") == []
    assert isinstance(app.get("/api/v1/markers", query={"timeline[]": ["notifications"]}), dict)
    assert isinstance(app.get("/api/v1/announcements"), list)
    assert isinstance(app.get("/api/v1/followed_tags"), list)
    assert isinstance(app.get("/api/v1/lists"), list)
    assert isinstance(app.get("/api/v2/filters"), list)
    assert isinstance(app.get("/api/v1/custom_emojis"), list)
    assert isinstance(app.get("/api/v1/instance/translation_languages"), dict)
    # Opening one's own profile.
    assert isinstance(app.get("/api/v1/accounts/{id}/statuses", path={"id": me["id"]}, query={"pinned": "true"}),
                      list)
    assert isinstance(app.get("/api/v1/accounts/{id}/featured_tags", path={"id": me["id"]}), list)
    # Mastodon >= 4.3: Phanpy refreshes statuses it holds in one call.
    version = tuple(int(n) for n in re.match(r"^(\d+)\.(\d+)", instance["version"]).groups())  # type: ignore[union-attr]
    if version >= (4, 3):
        again = app.get("/api/v1/statuses", query={"id[]": [s["id"] for s in home]})
        assert_statuses(again)
        assert {s["id"] for s in again} == {s["id"] for s in home}
    assert isinstance(app.get("/api/v1/trends/tags"), list)


def test_tusky_boot(town: Town) -> None:
    t, app = town, App(town.base, "Tusky")
    scope, redirect = "read write follow push", "oauth2redirect://com.keylesspalace.tusky/"
    registered = _register_app(app, redirect_uri=redirect, scope=scope, website="https://tusky.app", as_json=False)
    code = _authorize(t, registered["client_id"], redirect, scope)
    app.token = assert_token(app.call("POST", "/oauth/token", form={
        "client_id": registered["client_id"], "client_secret": registered["client_secret"],
        "redirect_uri": redirect, "code": code, "grant_type": "authorization_code"}), scope)
    me = app.get("/api/v1/accounts/verify_credentials")
    assert_account(me)
    assert me["source"]["privacy"] in ("public", "unlisted", "private", "direct")
    assert_instance_v2(app.get("/api/v2/instance"))
    emojis = app.get("/api/v1/custom_emojis")
    assert all({"shortcode", "url", "static_url"} <= set(e) for e in emojis)
    assert isinstance(app.get("/api/v2/filters"), list)
    markers = app.get("/api/v1/markers", query={"timeline[]": ["notifications"]})
    assert isinstance(markers, dict)
    home = _boot_home(app, t, 30)
    notifications = app.get("/api/v1/notifications", query={"limit": 30})
    assert_notifications(notifications, least=2)
    saved = app.call("POST", "/api/v1/markers", form={"notifications[last_read_id]": notifications[0]["id"]})
    assert saved["notifications"]["last_read_id"] == notifications[0]["id"]
    again = app.get("/api/v1/markers", query={"timeline[]": ["notifications"]})
    assert again["notifications"]["last_read_id"] == notifications[0]["id"]
    assert isinstance(app.get("/api/v1/lists"), list)
    assert isinstance(app.get("/api/v1/announcements"), list)
    assert isinstance(app.get("/api/v1/followed_tags"), list)
    assert_statuses(app.get("/api/v1/timelines/home", query={"limit": 30, "min_id": home[-1]["id"]}))
    # Older servers: Tusky falls back to v1 instance and filters; both must still answer.
    assert_instance_v1(app.get("/api/v1/instance"))
    assert isinstance(app.get("/api/v1/filters"), list)
    no_follows = app.get("/api/v1/notifications", query={"limit": 30, "exclude_types[]": ["follow", "follow_request"]})
    assert_notifications(no_follows, least=1)
    assert "follow" not in {n["type"] for n in no_follows}
    # UnifiedPush: Tusky subscribes with a form, nested keys in brackets.
    keys = ClientKeys()
    pushed = app.call("POST", "/api/v1/push/subscription", form={
        "subscription[endpoint]": "https://push.example/tusky/1", "subscription[keys][p256dh]": keys.p256dh,
        "subscription[keys][auth]": keys.auth_b64, "data[alerts][mention]": "true",
        "data[alerts][follow]": "false", "data[policy]": "all"})
    assert pushed["endpoint"] == "https://push.example/tusky/1"
    assert pushed["alerts"]["mention"] is True and pushed["alerts"]["follow"] is False
    # Tusky posts as JSON.
    posted = app.call("POST", "/api/v1/statuses", body={"status": "투스키에서 인사드려요", "visibility": "public",
                                                        "sensitive": False, "spoiler_text": ""})
    assert_statuses([posted])
    # No WebSocket: Tusky polls, and checks the streaming health when it decides how.
    health = app.call("GET", "/api/v1/streaming/health", expect_json=False)
    assert health.text == "OK"


def test_megalodon_boot(town: Town) -> None:
    t, app = town, App(town.base, "megalodon")
    links = app.get("/.well-known/nodeinfo")
    href = next(link["href"] for link in links["links"] if link["rel"].startswith("http://nodeinfo.diaspora"))
    info = app.get(urlsplit(href).path)
    # megalodon's detector: Mastodon by name, or by metadata.upstream.name.
    assert isinstance(info["metadata"], dict)
    assert info["software"]["name"] == "mastodon" or info["metadata"]["upstream"]["name"] == "mastodon"
    scope = "read write follow"
    registered = _register_app(app, redirect_uri=OOB, scope=scope, website=None, as_json=True)
    code = _authorize(t, registered["client_id"], OOB, scope)
    app.token = assert_token(app.call("POST", "/oauth/token", body={
        "client_id": registered["client_id"], "client_secret": registered["client_secret"], "code": code,
        "grant_type": "authorization_code", "redirect_uri": OOB}), scope)
    me = app.get("/api/v1/accounts/verify_credentials")
    assert_account(me)
    instance = app.get("/api/v1/instance")
    assert_instance_v1(instance)
    streaming = instance["urls"]["streaming_api"]
    event = _stream_update(t, f"{streaming}/api/v1/streaming?{urlencode({'stream': 'user', 'access_token': app.token})}")
    assert event["stream"] == ["user"]
    assert_statuses(app.get("/api/v1/timelines/home", query={"limit": 20}), least=2)
    assert_notifications(app.get("/api/v1/notifications"), least=2)


def test_compat_endpoints_refuse_bad_input(town: Town) -> None:
    """What the boot sequences needed from routes/compat.py, asked wrongly: Mastodon's JSON
    errors, never a 404 for the path or a 500."""
    base = town.base
    assert_json_error(httpx.get(f"{base}/api/v1/accounts/familiar_followers", params={"id[]": "1"}), 401)
    assert_json_error(httpx.get(f"{base}/api/v1/notifications/requests"), 401)
    token = town.neighbour.access_token
    assert_json_error(httpx.get(f"{base}/api/v1/accounts/familiar_followers", params={"id[]": "서울"},
                                headers=auth(token)), 400, 422)
    # An unknown account has no familiar followers; it is not an error in Mastodon either.
    answer = httpx.get(f"{base}/api/v1/accounts/familiar_followers", params={"id[]": "42"}, headers=auth(token))
    assert answer.status_code == 200 and answer.json() == [{"id": "42", "accounts": []}]
    assert httpx.get(f"{base}/api/v1/instance/translation_languages").json() == {}
    assert httpx.get(f"{base}/api/v1/instance/domain_blocks").json() == []
