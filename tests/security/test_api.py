"""Security regressions of the Mastodon API's grouped notifications, followed tags and
translation (issue 13), as HTTP requests against one real server (SQLite)."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mastodon_api.clients import assert_json_error, auth, eventually, new_app, register
from tests.support.server import running_server


@pytest.fixture(scope="module")
def server(sqlite_template: Path) -> Iterator[str]:
    path = sqlite_template.parent / f"security-api-{secrets.token_hex(4)}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    with running_server(f"sqlite+aiosqlite:///{path}") as url:
        yield url


def _home(base: str, token: str) -> set[str]:
    return {s["id"] for s in httpx.get(f"{base}/api/v1/timelines/home", params={"limit": 40},
                                       headers=auth(token)).json()}


def test_a_followed_tag_never_brings_a_hidden_post_into_home(server: str) -> None:
    app = new_app(server)
    reader, _, _ = register(server, app)
    writer, _, _ = register(server, app)
    blocker, _, _ = register(server, app)
    reader.tag_follow("보안점검")
    blocker.account_block(reader.me().id)  # the author blocks the reader
    hidden = [writer.status_post("팔로워 전용 #보안점검", visibility="private"),
              writer.status_post("쪽지 #보안점검", visibility="direct"),
              blocker.status_post("나를 차단한 사람 #보안점검")]
    shown = writer.status_post("공개 #보안점검")
    eventually(lambda: shown.id in _home(server, reader.access_token))
    home = _home(server, reader.access_token)
    assert not {s.id for s in hidden} & home


def test_grouped_notifications_are_only_ones_own(server: str) -> None:
    app = new_app(server)
    owner, _, _ = register(server, app)
    other, _, _ = register(server, app)
    fan, _, _ = register(server, app)
    post = owner.status_post("내 글")
    fan.status_favourite(post.id)
    groups = eventually(lambda: owner.grouped_notifications().notification_groups)
    key = groups[0].group_key
    ungrouped = f"ungrouped-{owner.notifications()[0].id}"
    with httpx.Client(base_url=server, headers=auth(other.access_token)) as http:
        assert http.get("/api/v2/notifications").json()["notification_groups"] == []
        assert http.get("/api/v2/notifications/unread_count").json() == {"count": 0}
        for k in (key, ungrouped):
            assert_json_error(http.get(f"/api/v2/notifications/{k}"), 404)
            assert http.get(f"/api/v2/notifications/{k}/accounts").json() == []
            assert http.post(f"/api/v2/notifications/{k}/dismiss").status_code == 200
        assert_json_error(http.get("/api/v2/notifications", params={"account_id": "x"}), 400)
    # The other account's dismissals removed nothing of the owner's.
    assert [g.group_key for g in owner.grouped_notifications().notification_groups] == [key]
    assert_json_error(httpx.get(f"{server}/api/v2/notifications"), 401)


def test_translate_reveals_no_hidden_post(server: str) -> None:
    app = new_app(server)
    owner, _, _ = register(server, app)
    other, _, _ = register(server, app)
    secret = owner.status_post("나만 보는 글", visibility="direct")
    answer = httpx.post(f"{server}/api/v1/statuses/{secret.id}/translate", headers=auth(other.access_token))
    assert assert_json_error(answer, 404) == "Record not found"
