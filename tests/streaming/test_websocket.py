"""The WebSocket endpoint as web clients use it: one socket, several streams, the token in
the query, the Authorization header or the subprotocol (echoed back)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mastodon import Mastodon
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.mastodon_api.clients import new_app, register


def ws_url(server: str, **query: str) -> str:
    from urllib.parse import urlencode

    base = server.replace("http://", "ws://") + "/api/v1/streaming"
    return f"{base}?{urlencode(query)}" if query else base


def receive(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def send(ws: ClientConnection, **message: Any) -> None:
    ws.send(json.dumps(message, ensure_ascii=False))


def until(ws: ClientConnection, predicate: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
    seen = []
    while True:
        message = receive(ws, timeout)
        seen.append(message)
        if predicate(message):
            return seen


def settle(ws: ClientConnection) -> None:
    """Subscriptions are handled in order on the server: an error reply to a bad one
    proves every message sent before it has been handled."""
    send(ws, type="subscribe", stream="no-such-stream")
    assert receive(ws) == {"error": "Unknown stream type", "status": 400}


def people(server: str, n: int) -> list[Mastodon]:
    app = new_app(server)
    return [register(server, app)[0] for _ in range(n)]


def test_one_socket_many_streams_subscribe_and_unsubscribe(server: str) -> None:
    reader, author = people(server, 2)
    reader.account_follow(author.me().id)
    with connect(ws_url(server, access_token=reader.access_token)) as ws:
        send(ws, type="subscribe", stream="user")
        send(ws, type="subscribe", stream="hashtag", tag="안양")
        send(ws, type="subscribe", stream="public:local")
        settle(ws)
        post = author.status_post("#안양 중앙시장 야시장 개장")
        got = [receive(ws) for _ in range(3)]
        assert sorted(tuple(m["stream"]) for m in got) == [("hashtag", "안양"), ("public:local",), ("user",)]
        for message in got:
            assert message["event"] == "update"
            # The payload is a JSON string, as Mastodon sends it.
            assert isinstance(message["payload"], str) and json.loads(message["payload"])["id"] == post.id

        send(ws, type="unsubscribe", stream="hashtag", tag="안양")
        send(ws, type="unsubscribe", stream="public:local")
        settle(ws)
        second = author.status_post("#안양 두 번째 소식")
        message = receive(ws)
        assert message["stream"] == ["user"] and json.loads(message["payload"])["id"] == second.id
        author.status_delete(second.id)
        assert receive(ws) == {"stream": ["user"], "event": "delete", "payload": str(second.id)}


@pytest.mark.parametrize("where", ["query", "header", "subprotocol"])
def test_token_in_each_place_mastodon_clients_put_it(server: str, where: str) -> None:
    reader, author = people(server, 2)
    reader.account_follow(author.me().id)
    token = reader.access_token
    options: dict[str, Any] = {}
    url = ws_url(server, stream="user")  # megalodon's way: the first stream in the query
    if where == "query":
        url = ws_url(server, stream="user", access_token=token)
    elif where == "header":
        options["additional_headers"] = {"Authorization": f"Bearer {token}"}
    else:
        options["subprotocols"] = [token]  # Phanpy and masto.js in a browser
    with connect(url, **options) as ws:
        if where == "subprotocol":
            assert ws.subprotocol == token  # echoed, or a browser would drop the socket
        settle(ws)
        post = author.status_post("토큰은 어디에 있든 통해요")
        message = receive(ws)
        assert message["stream"] == ["user"] and json.loads(message["payload"])["id"] == post.id


def test_bad_token_is_refused_with_401_json(server: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(server, access_token="not-a-token"))
    response = refused.value.response
    assert response.status_code == 401
    assert json.loads(response.body) == {"error": "The access token is invalid"}
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(server), subprotocols=["not-a-token"])  # type: ignore[list-item]
    assert refused.value.response.status_code == 401


def test_bad_subscriptions_get_an_error_message_and_the_socket_stays_usable(server: str) -> None:
    (author,) = people(server, 1)
    with connect(ws_url(server)) as ws:  # anonymous: public streams only
        send(ws, type="subscribe", stream="hashtag")
        assert receive(ws) == {"error": "No tag for stream provided", "status": 400}
        send(ws, type="subscribe", stream="user")
        assert receive(ws)["status"] == 401
        send(ws, type="subscribe", stream="list", list="12345")
        assert receive(ws)["status"] == 401  # lists are someone's own
        ws.send("{not json")  # ignored, as Mastodon does
        send(ws, type="subscribe", stream="public")
        settle(ws)
        post = author.status_post("오류 뒤에도 잘 받아요")
        message = receive(ws)
        assert message["stream"] == ["public"] and json.loads(message["payload"])["id"] == post.id
    with connect(ws_url(server, access_token=author.access_token)) as ws:
        send(ws, type="subscribe", stream="list", list="12345")
        assert receive(ws) == {"error": "List not found", "status": 404}


def test_filters_changed_and_conversation_frames(server: str) -> None:
    """As masto.js reads them: `filters_changed` has no payload key; `conversation` carries
    the Conversation as a JSON string, on the direct stream."""
    alice, bob = people(server, 2)
    with connect(ws_url(server, access_token=bob.access_token)) as ws:
        send(ws, type="subscribe", stream="user")
        send(ws, type="subscribe", stream="direct")
        settle(ws)
        bob.create_filter_v2("스포일러", ["home"], "hide", keywords_attributes=[{"keyword": "결말"}])
        frame = until(ws, lambda m: m["event"] == "filters_changed")[-1]
        assert frame == {"stream": ["user"], "event": "filters_changed"}
        alice.status_post(f"@{bob.me().username} 비밀 이야기", visibility="direct")
        frame = until(ws, lambda m: m["event"] == "conversation")[-1]
        assert frame["stream"] == ["direct"]
        conversation = json.loads(frame["payload"])
        assert conversation["unread"] is True and "비밀" in conversation["last_status"]["content"]
        assert [a["acct"] for a in conversation["accounts"]] == [alice.me().acct]
