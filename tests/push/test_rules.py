"""What a subscription may hold, the instance key, and what a phone is told."""

from __future__ import annotations

import asyncio
import base64

import pytest

from madang.core.errors import Invalid
from madang.db import Database
from madang.models import Account, Notification
from madang.push.keys import ensure_server_key, find_server_key, generate_server_key
from madang.push.payloads import PushContext, push_payload, title_for, truncate
from madang.push.rules import check_auth, check_endpoint, check_p256dh, check_policy
from madang.push.sending import Outcome, Target, classify, deliver
from tests.push.receiver import ClientKeys


def test_endpoints_are_https_and_loopback_only_when_allowed() -> None:
    assert check_endpoint(" https://fcm.googleapis.com/wp/abc ", allow_loopback=False) == \
        "https://fcm.googleapis.com/wp/abc"
    for refused in ("http://push.example/x", "http://127.0.0.1:9/x", "https://localhost/x", "https://[::1]/x",
                    "ftp://push.example/x", "https:///nohost", "https://user:pw@push.example/x", "", None,
                    "https://push.example:99999/x", "https://push.example/\x00x", "https://push.example/" + "a" * 2000):
        with pytest.raises(Invalid):
            check_endpoint(refused, allow_loopback=False)
    assert check_endpoint("http://127.0.0.1:9/x", allow_loopback=True) == "http://127.0.0.1:9/x"
    with pytest.raises(Invalid):  # plain http stays refused for anyone else
        check_endpoint("http://push.example/x", allow_loopback=True)


def test_client_keys_in_every_base64_spelling() -> None:
    keys = ClientKeys()
    canonical = base64.urlsafe_b64encode(keys.public_bytes).decode().rstrip("=")
    for spelling in (keys.p256dh, canonical, canonical + "=", base64.b64encode(keys.public_bytes).decode().rstrip("=")):
        assert check_p256dh(spelling) == canonical
    assert check_auth(base64.b64encode(keys.auth).decode()) == keys.auth_b64
    not_on_curve = base64.b64encode(b"\x04" + b"\x01" * 64).decode()
    for bad in (not_on_curve, "", None, "!!!", base64.b64encode(keys.public_bytes[:33]).decode()):
        with pytest.raises(Invalid):
            check_p256dh(bad)
    for bad in ("", None, base64.b64encode(b"x" * 15).decode(), base64.b64encode(b"x" * 17).decode()):
        with pytest.raises(Invalid):
            check_auth(bad)


def test_policies() -> None:
    assert [check_policy(p) for p in ("all", "followed", "follower", "none", None, "")] == \
        ["all", "followed", "follower", "none", "all", "all"]
    with pytest.raises(Invalid):
        check_policy("friends")


def test_answers_of_push_services() -> None:
    assert [classify(s) for s in (200, 201, 202)] == [Outcome.DELIVERED] * 3
    assert [classify(s) for s in (400, 401, 403, 404, 410, 413)] == [Outcome.GONE] * 6
    assert [classify(s) for s in (408, 429, 500, 502, 503)] == [Outcome.RETRY] * 5


async def test_private_addresses_are_never_called() -> None:
    """A subscription stored before loopback was turned off, or a name that resolves to this
    machine, is dropped without a request."""
    keys, server_key = ClientKeys(), generate_server_key()
    for endpoint in ("https://localhost:9/x", "https://127.0.0.1:9/x", "https://10.0.0.8/x", "https://[::1]/x",
                     "https://100.64.0.1/x", "https://[2002:7f00:1::]/x", "https://169.254.169.254/x"):
        target = Target(endpoint, keys.p256dh, keys.auth_b64, True)
        result = await deliver(target, {}, server_key, subject="mailto:a@b.example", timeout=1)
        assert result.outcome is Outcome.GONE, endpoint


def test_titles_and_bodies() -> None:
    assert title_for("follow", "지연", "ko") == "지연 님이 나를 팔로우했습니다"
    assert title_for("reblog", "지연", "ko") == "지연 님이 내 게시물을 부스트 했습니다"
    assert title_for("follow", "Jiyeon", "en") == "Jiyeon is now following you"
    assert title_for("mention", "지연", "ja") == "지연 님의 멘션"  # other locales: the instance's Korean
    assert truncate("가" * 140) == "가" * 140
    assert truncate("가" * 141) == "가" * 137 + "..."


def test_payload_of_a_follow_uses_the_bio_and_avatar() -> None:
    sender = Account(username="jiyeon", display_name="", note="안양 사는 개발자", avatar_path="avatars/1/a.png")
    notification = Notification(id=123, account_id=1, from_account_id=2, type="follow", activity_id=9)
    payload = push_payload(PushContext(notification, sender, None, "ko", "secret-token"),
                           base_url="https://madang.test")
    assert payload == {
        "access_token": "secret-token", "preferred_locale": "ko", "notification_id": 123,
        "notification_type": "follow", "icon": "https://madang.test/media/avatars/1/a.png",
        "title": "jiyeon 님이 나를 팔로우했습니다", "body": "안양 사는 개발자",
    }


async def test_one_server_key_even_when_made_at_once(db: Database) -> None:
    async with db.read() as s:
        assert await find_server_key(s) is None

    async def make() -> str:
        async with db.write() as s:
            return (await ensure_server_key(s)).public_key

    first, second = await asyncio.gather(make(), make())
    assert first == second
    assert await make() == first
    raw = base64.urlsafe_b64decode(first)
    assert len(raw) == 65 and raw[0] == 4 and first.endswith("=")
