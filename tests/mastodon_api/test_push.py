"""Web Push through the API: Mastodon.py subscribes, reads, changes and removes a
subscription on a real server (SQLite and PostgreSQL); a follow made through the API
reaches a push service on loopback, encrypted for the subscriber's keys; bad input is a
422 in Mastodon's shape that stores nothing."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.mastodon_api.clients import (
    app_token,
    assert_json_error,
    auth,
    eventually,
    new_app,
    register,
)
from tests.push.receiver import ClientKeys, PushReceiver, vapid_valid
from tests.support.server import running_server

PATH = "/api/v1/push/subscription"


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    server = PushReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    # http://127.0.0.1 endpoints are refused unless the instance allows loopback ones.
    with running_server(database_url, push_allow_loopback=True, outbound_allow="127.0.0.1/32", contact_email="city@madang.test") as url:
        yield url


def test_subscribe_show_update_delete_with_mastodon_py(server: str, receiver: PushReceiver) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    private, public = api.push_subscription_generate_keys()

    made = api.push_subscription_set(receiver.url(), public, follow_events=True, mention_events=True,
                                     favourite_events=False, policy="all")
    assert made.endpoint == receiver.url()
    assert made.alerts.follow is True and made.alerts.mention is True
    assert made.alerts.favourite is False and made.alerts.reblog is False
    assert made.standard is False  # Mastodon's default: the legacy encoding
    # The server key is the instance's VAPID key, as instance v2 shows it.
    vapid = api.instance_v2().configuration.vapid.public_key
    assert made.server_key == vapid
    raw = base64.urlsafe_b64decode(vapid)
    assert len(raw) == 65 and raw[0] == 4

    shown = api.push_subscription()
    assert (shown.id, shown.endpoint, shown.server_key) == (made.id, made.endpoint, vapid)

    # An update replaces what the subscription wants, as Mastodon's does.
    changed = api.push_subscription_update(favourite_events=True, policy="followed")
    assert changed.id == made.id
    assert changed.alerts.favourite is True and changed.alerts.follow is False
    assert httpx.get(f"{server}{PATH}", headers=auth(api.access_token)).json()["policy"] == "followed"

    # A new subscription for the same token replaces the old one.
    again = api.push_subscription_set(receiver.url("/phone-2"), public, follow_events=True)
    assert again.id != made.id and api.push_subscription().endpoint == receiver.url("/phone-2")

    api.push_subscription_delete()
    with pytest.raises(MastodonNotFoundError):
        api.push_subscription()
    api.push_subscription_delete()  # deleting nothing is fine, as on Mastodon
    assert private  # the client keeps its private half; the server never sees it


def test_a_follow_through_the_api_reaches_the_phone(server: str, receiver: PushReceiver) -> None:
    app = new_app(server)
    me, my_name, _ = register(server, app)
    private, public = me.push_subscription_generate_keys()
    subscription = me.push_subscription_set(receiver.url(), public, follow_events=True)
    fan, _, _ = register(server, app)
    fan.account_update_credentials(display_name="평촌 주민")

    fan.account_follow(me.account_verify_credentials().id)
    [push] = receiver.wait_for(1)
    assert vapid_valid(push, subscription.server_key)
    payload = me.push_subscription_decrypt_push(push.body, private, push.headers["encryption"],
                                                push.headers["crypto-key"])
    assert payload.notification_type == "follow"
    assert payload.title == "평촌 주민 님이 나를 팔로우했습니다"
    assert payload.access_token == me.access_token
    assert payload.preferred_locale == "ko"
    notifications = eventually(lambda: me.notifications())
    assert str(payload.notification_id) == str(notifications[0].id)
    assert my_name  # registered, so the push is about a real login


def test_json_body_and_standard_encoding(server: str, receiver: PushReceiver) -> None:
    app = new_app(server)
    me, _, _ = register(server, app)
    keys = ClientKeys()
    body = {"subscription": {"endpoint": receiver.url(), "standard": True,
                             "keys": {"p256dh": keys.p256dh, "auth": keys.auth_b64}},
            "data": {"alerts": {"follow": True, "admin.sign_up": False}, "policy": "follower"}}
    answer = httpx.post(f"{server}{PATH}", json=body, headers=auth(me.access_token))
    assert answer.status_code == 200, answer.text
    made = answer.json()
    assert made["standard"] is True and made["policy"] == "follower"
    assert set(made["alerts"]) == {"mention", "status", "reblog", "follow", "follow_request", "favourite",
                                   "poll", "update", "admin.sign_up", "admin.report"}

    fan, _, _ = register(server, app)
    fan.account_follow(me.account_verify_credentials().id)  # a follower now: the policy lets it through
    [push] = receiver.wait_for(1)
    assert push.headers["content-encoding"] == "aes128gcm"
    payload = keys.decrypt(push)
    assert payload["notification_type"] == "follow" and payload["access_token"] == me.access_token


BAD = [
    ({"subscription[endpoint]": None}, "endpoint"),
    ({"subscription[keys][auth]": None}, "auth"),
    ({"subscription[endpoint]": "ftp://push.example/x"}, "endpoint"),
    ({"subscription[endpoint]": "http://push.example/x"}, "endpoint"),
    ({"subscription[endpoint]": "not a url"}, "endpoint"),
    ({"subscription[keys][p256dh]": base64.b64encode(b"\x04" + b"\x01" * 64).decode()}, "p256dh"),
    ({"subscription[keys][p256dh]": "%%%"}, "p256dh"),
    ({"subscription[keys][auth]": base64.b64encode(b"short").decode()}, "auth"),
    ({"data[policy]": "friends"}, "Policy"),
    ({"data[alerts][follow]": "maybe"}, "follow"),
]


@pytest.mark.parametrize(("override", "word"), BAD)
def test_bad_input_is_a_422_and_stores_nothing(server: str, receiver: PushReceiver, override: dict,
                                               word: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app)
    keys = ClientKeys()
    form = {"subscription[endpoint]": receiver.url(), "subscription[keys][p256dh]": keys.p256dh,
            "subscription[keys][auth]": keys.auth_b64, **override}
    form = {k: v for k, v in form.items() if v is not None}  # None: the field is left out
    answer = httpx.post(f"{server}{PATH}", data=form, headers=auth(me.access_token))
    message = assert_json_error(answer, 422)
    assert message.startswith("Validation failed") and word.lower() in message.lower(), message
    assert isinstance(answer.json()["details"], dict)
    missing = httpx.get(f"{server}{PATH}", headers=auth(me.access_token))
    assert assert_json_error(missing, 404) == "Record not found"


def test_who_may_subscribe(server: str, receiver: PushReceiver) -> None:
    app = new_app(server)
    me, username, password = register(server, app)
    # Nothing yet: show and update are 404, as Mastodon answers.
    assert assert_json_error(httpx.get(f"{server}{PATH}", headers=auth(me.access_token)), 404) == "Record not found"
    assert assert_json_error(httpx.put(f"{server}{PATH}", data={"data[alerts][follow]": "true"},
                                       headers=auth(me.access_token)), 404) == "Record not found"
    # No token, an app's token, a token without the push scope.
    assert_json_error(httpx.get(f"{server}{PATH}"), 401)
    assert_json_error(httpx.get(f"{server}{PATH}", headers=auth(app_token(server, app, "push"))), 422)
    from tests.mastodon_api.clients import password_token
    read_only = password_token(server, app, username, password, "read")
    assert_json_error(httpx.get(f"{server}{PATH}", headers=auth(read_only)), 403)
    with pytest.raises(MastodonAPIError):
        me.push_subscription()
