"""Server-sent events as Mastodon sends them: frames, heartbeats, health, and errors for
bad requests (never a 500)."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.mastodon_api.clients import new_app, register
from tests.streaming.clients import SseReader
from tests.streaming.test_websocket import people
from tests.support.server import running_server


def test_health(server: str) -> None:
    answer = httpx.get(f"{server}/api/v1/streaming/health")
    assert answer.status_code == 200 and answer.text == "OK"


def test_frames_and_heartbeats(server: str) -> None:
    (author,) = people(server, 1)
    with SseReader(f"{server}/api/v1/streaming/public/local") as stream:
        assert stream.status == 200 and stream.headers is not None
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.next(skip_comments=False) == (":", ")")
        # The fixture's server sends a heartbeat every 0.5 s when there is nothing to say.
        assert stream.next(skip_comments=False) == (":", "thump")
        post = author.status_post("#마당 실시간 소식")
        event, data = stream.next()
        assert event == "update"
        status = json.loads(data)
        assert status["id"] == post.id and status["tags"] == [{"name": "마당", "url": status["tags"][0]["url"]}]
        assert "favourited" not in status  # nobody is signed in on this stream
        author.status_delete(post.id)
        assert stream.next() == ("delete", str(post.id))


def test_older_spelling_with_stream_parameter(server: str) -> None:
    (author,) = people(server, 1)
    with SseReader(f"{server}/api/v1/streaming", stream="hashtag", tag="안양") as stream:
        assert stream.status == 200
        post = author.status_post("#안양 옛 방식으로도 받아요")
        assert json.loads(stream.next()[1])["id"] == post.id


@pytest.mark.parametrize(("path", "params", "status", "message"), [
    ("/api/v1/streaming/nope", {}, 400, "Unknown stream type"),
    ("/api/v1/streaming/hashtag", {}, 400, "No tag for stream provided"),
    ("/api/v1/streaming/hashtag/local", {"tag": "  "}, 400, "No tag for stream provided"),
    ("/api/v1/streaming/user", {}, 401, "Missing access token"),
    ("/api/v1/streaming/direct", {}, 401, "Missing access token"),
    ("/api/v1/streaming/user", {"access_token": "forged"}, 401, "The access token is invalid"),
    ("/api/v1/streaming/public", {"access_token": "forged"}, 401, "The access token is invalid"),
])
def test_bad_requests_get_mastodon_errors(server: str, path: str, params: dict, status: int, message: str) -> None:
    answer = httpx.get(f"{server}{path}", params=params)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == {"error": message}


def test_scopes_and_lists(server: str) -> None:
    app = new_app(server)
    someone, username, password = register(server, app)
    token = someone.access_token
    answer = httpx.get(f"{server}/api/v1/streaming/list", params={"list": "1"},
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404 and answer.json() == {"error": "List not found"}
    answer = httpx.get(f"{server}/api/v1/streaming/list", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400
    # A token for notifications only opens the notification stream, not the home one.
    narrow = httpx.post(f"{server}/oauth/token", data={
        "grant_type": "password", "client_id": app[0], "client_secret": app[1],
        "username": username, "password": password, "scope": "read:notifications"})
    assert narrow.status_code == 200, narrow.text
    headers = {"Authorization": f"Bearer {narrow.json()['access_token']}"}
    answer = httpx.get(f"{server}/api/v1/streaming/user", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "Access token does not have the required scopes"}
    with SseReader(f"{server}/api/v1/streaming/user/notification", narrow.json()["access_token"]) as stream:
        assert stream.status == 200


def test_public_streams_need_a_token_when_public_timelines_are_closed(database_url: str) -> None:
    with running_server(database_url, public_timelines_open=False) as server:
        answer = httpx.get(f"{server}/api/v1/streaming/public")
        assert answer.status_code == 401 and answer.json() == {"error": "Missing access token"}
        (someone,) = people(server, 1)
        with SseReader(f"{server}/api/v1/streaming/public", someone.access_token) as stream:
            assert stream.status == 200
