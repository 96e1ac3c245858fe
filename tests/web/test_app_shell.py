"""madang as an installable app (issue 15), on a real server over both databases: the manifest
and its icons, the service worker at the root with its scope header, the offline page, and
browser notifications — a subscription made from the settings page (as the page's script does
after the browser subscribes) receives a real encrypted Web Push when the citizen is mentioned,
its alerts are chosen there, and it ends when turned off."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mastodon_api.clients import new_app, register
from tests.push.receiver import ClientKeys, PushReceiver
from tests.support.server import running_server
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


@pytest.fixture
def push_base(database_url: str, tmp_path: Path) -> Iterator[str]:
    with running_server(database_url, media_path=tmp_path / "media", push_allow_loopback=True,
                        outbound_allow="127.0.0.1/32", push_timeout_seconds=3) as base:
        yield base


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    server = PushReceiver().start()
    yield server
    server.stop()


def test_the_app_shell_is_installable(push_base: str) -> None:
    web = WebClient(push_base)
    manifest = web.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["display"] == "standalone" and body["start_url"] == "/home" and body["lang"] == "ko"
    assert {"192x192", "512x512"} <= {i["sizes"] for i in body["icons"]}
    assert any(i.get("purpose") == "maskable" for i in body["icons"])
    for icon in body["icons"]:
        image = web.get(icon["src"])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    worker = web.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["service-worker-allowed"] == "/"
    assert "javascript" in worker.headers["content-type"] and "__VERSION__" not in worker.text
    assert "addEventListener(\"push\"" in worker.text
    offline = web.get("/offline")
    assert offline.status_code == 200 and "인터넷에 연결되어 있지 않습니다" in offline.text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in web.get("/").text


def test_browser_notifications_are_turned_on_received_chosen_and_turned_off(push_base: str,
                                                                             receiver: PushReceiver) -> None:
    app = new_app(push_base)
    _, name, password = register(push_base, app, "minji_push")
    web = WebClient(push_base)
    assert web.sign_in(name, password).status_code == 303
    page = web.get("/settings/push")
    assert page.status_code == 200 and "data-push-subscribe" in page.text and 'data-vapid="' in page.text
    # A bad endpoint (not https, not an allowed loopback) is refused with its reason, nothing kept.
    bad = web.post("/settings/push", {"endpoint": "ftp://push.example/x", "p256dh": "x", "auth": "y"})
    assert bad.status_code == 422 and "data-push-subscribe" in bad.text

    phone = ClientKeys()
    on = web.post("/settings/push", {"endpoint": receiver.url(), "p256dh": phone.p256dh, "auth": phone.auth_b64})
    assert on.status_code == 303 and "notice=push_on" in on.headers["location"]
    assert "이 브라우저에서 알림을 받고 있습니다" in web.get("/settings/push").text

    friend, _, _ = register(push_base, app, "junho_push")
    friend.status_post(f"@{name} 안양천 벚꽃 보러 가요")
    [received] = receiver.wait_for(1)
    payload = phone.decrypt(received)
    assert payload["notification_type"] == "mention" and "junho_push" in json.dumps(payload, ensure_ascii=False)
    assert "벚꽃" in payload["body"]

    # Mentions off: a second mention sends nothing; a follow still does.
    alerts = {f"alert_{n}": "1" for n in ("follow", "favourite", "reblog")}
    assert web.post("/settings/push/alerts", alerts).status_code == 303
    friend.status_post(f"@{name} 두 번째 멘션")
    friend.account_follow(friend.account_lookup(name)["id"])
    pushes = receiver.wait_for(2)
    assert phone.decrypt(pushes[1])["notification_type"] == "follow"
    time.sleep(1)  # the mention's push, had it been sent, would be here by now
    assert len(receiver.received) == 2

    assert web.post("/settings/push/delete", {}).status_code == 303
    assert "data-push-subscribe" in web.get("/settings/push").text
