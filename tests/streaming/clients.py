"""Stream readers for tests: Mastodon.py listeners, a plain SSE reader and helpers that wait
for an event (or show that one never came) without sleeping blindly."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import httpx
from mastodon import StreamListener

Event = tuple[str, Any]


class Collector(StreamListener):
    """A Mastodon.py listener that keeps what arrives, in order."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.heartbeats = 0
        self.greeted = threading.Event()

    def on_update(self, status: Any) -> None:
        self.events.put(("update", status))

    def on_status_update(self, status: Any) -> None:
        self.events.put(("status.update", status))

    def on_notification(self, notification: Any) -> None:
        self.events.put(("notification", notification))

    def on_delete(self, status_id: Any) -> None:
        self.events.put(("delete", status_id))

    def on_conversation(self, conversation: Any) -> None:
        self.events.put(("conversation", conversation))

    def on_filters_changed(self) -> None:
        self.events.put(("filters_changed", None))

    def handle_heartbeat(self) -> None:
        self.heartbeats += 1
        self.greeted.set()


def next_event(events: queue.Queue[Event], timeout: float = 10.0) -> Event:
    try:
        return events.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"no event within {timeout} s") from None


def events_until(events: queue.Queue[Event], predicate: Any, timeout: float = 10.0) -> list[Event]:
    """Every event up to and including the first matching ``predicate`` (a control post):
    streams keep order, so anything published before the control shows up in this list."""
    seen = []
    while True:
        event = next_event(events, timeout)
        seen.append(event)
        if predicate(event):
            return seen


def text_of(event: Event) -> str:
    payload = event[1]
    if event[0] == "notification":
        payload = payload["status"] or {}
    return payload.get("content", "") if isinstance(payload, dict) else str(payload)


class SseReader:
    """A plain server-sent-events client on a thread (raw frames, heartbeats included)."""

    def __init__(self, url: str, token: str | None = None, **params: str) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.opened = threading.Event()
        self.status: int | None = None
        self.body = b""
        self.headers: httpx.Headers | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(5.0, read=None))
        self._request = self._client.build_request("GET", url, headers=headers, params=params)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self.opened.wait(10):
            raise AssertionError("stream did not open")

    def _run(self) -> None:
        try:
            response = self._client.send(self._request, stream=True)
        except httpx.HTTPError:
            self.opened.set()
            return
        self.status, self.headers = response.status_code, response.headers
        if response.status_code != 200:
            self.body = response.read()
            self.opened.set()
            return
        self.opened.set()
        event: dict[str, str] = {}
        try:
            for line in response.iter_lines():
                if line == "":
                    if event:
                        self.events.put((event.get("event", ""), event.get("data", "")))
                    event = {}
                elif line.startswith(":"):
                    self.events.put((":", line[1:]))
                else:
                    key, _, value = line.partition(": ")
                    event[key] = value
        except (httpx.HTTPError, RuntimeError, AttributeError, ValueError):
            pass

    def json(self) -> Any:
        return json.loads(self.body)

    def next(self, timeout: float = 10.0, *, skip_comments: bool = True) -> tuple[str, str]:
        while True:
            try:
                event = self.events.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no event within {timeout} s") from None
            if not (skip_comments and event[0] == ":"):
                return event

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SseReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
