"""Live updates for the pages: the web session's event stream carries ids of new posts and
notifications by the streaming rules (follows, blocks), and a card is fetched on demand."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from tests.web.client import WebClient
from tests.web.social import block, follow, person, post


def _events(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a text/event-stream, comments skipped."""
    event, data = "message", []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


def _stream(web: WebClient, name: str) -> httpx.Client:
    client = httpx.Client(base_url=web.base, cookies=web.http.cookies, timeout=httpx.Timeout(20, read=10))
    return client


def test_a_followed_authors_post_and_a_notification_arrive_live(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    follow(jun, "minji")
    own = post(jun, "제 글도 하나 있어요")
    with _stream(jun, "home") as client, client.stream("GET", "/web/stream", params={"stream": "home"}) as live:
        assert live.status_code == 200 and live.headers["content-type"].startswith("text/event-stream")
        events = _events(live)
        assert next(events) == ("unread", "0")  # the nav count, first
        posted = post(minji, "실시간으로 보이나요?")
        kind, data = next(events)
        assert kind == "update" and json.loads(data) == {"id": posted}
        minji.post(f"/statuses/{own}/favourite", {"next": "/home"})
        kind, data = next(events)
        assert kind == "notification" and json.loads(data)["type"] == "favourite"

    # The card the page fetches when the reader asks: this reader's card, with their forms.
    card = jun.get(f"/statuses/{posted}/card", params={"context": "home", "back": "/home"})
    assert card.status_code == 200 and "<html" not in card.text
    assert f'id="status-{posted}"' in card.text and "실시간으로 보이나요?" in card.text
    assert f'value="/home#status-{posted}"' in card.text and jun.csrf in card.text


def test_a_blocked_authors_post_does_not_arrive(sqlite_web_base: str) -> None:
    minji, jun, troll = (person(sqlite_web_base, n) for n in ("minji", "jun", "troll"))
    block(jun, "troll")
    with _stream(jun, "local") as client, client.stream("GET", "/web/stream", params={"stream": "local"}) as live:
        events = _events(live)
        assert next(events)[0] == "unread"
        hidden = post(troll, "차단된 사람의 글")
        shown = post(minji, "모두에게 보이는 글")
        kind, data = next(events)
        assert kind == "update" and json.loads(data) == {"id": shown}, hidden
    assert jun.get(f"/statuses/{hidden}/card").status_code == 404


def test_streams_need_a_session_and_a_known_name(sqlite_web_base: str) -> None:
    guest = WebClient(sqlite_web_base)
    assert guest.get("/web/stream?stream=home").status_code == 401
    assert guest.get("/web/stream?stream=notifications").status_code == 401
    jun = person(sqlite_web_base, "jun")
    assert jun.get("/web/stream?stream=everything").status_code == 400
    assert jun.get("/web/stream").status_code == 400
    # The page offers the live bar only to a signed-in reader, and names its stream.
    assert 'data-stream="home"' in jun.get("/home").text
    assert 'data-stream="notifications"' in jun.get("/bookmarks").text
    assert 'id="live-bar"' not in guest.get("/public/local").text


def test_the_local_timeline_stream_carries_posts_and_the_nav_count(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    assert 'data-stream="local"' in jun.get("/public/local").text
    own = post(jun, "제 글")
    with _stream(jun, "local") as client, client.stream("GET", "/web/stream", params={"stream": "local"}) as live:
        events = _events(live)
        assert next(events) == ("unread", "0")
        minji.post(f"/statuses/{own}/favourite", {"next": "/home"})
        kind, data = next(events)
        assert kind == "notification" and json.loads(data)["type"] == "favourite"
        shown = post(minji, "둘러보기에 새 글")
        assert next(events) == ("update", json.dumps({"id": shown}, separators=(",", ":")))
